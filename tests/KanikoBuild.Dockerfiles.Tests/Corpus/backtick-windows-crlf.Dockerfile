# escape=`

FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
COPY testfile.txt c:\
RUN New-Item -ItemType Directory C:\Example `
    ; Write-Host done
WORKDIR C:\app
RUN dir c:\
