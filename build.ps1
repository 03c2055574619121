[CmdletBinding()]
Param(
    [Parameter(Position = 0, Mandatory = $false, ValueFromRemainingArguments = $true)]
    [string[]]$BuildArguments
)

# Bootstrap, Nuke style (Windows PowerShell 5.1 and PowerShell 7): find (or install) the .NET SDK that
# global.json asks for, compile build/ when it changed, run it with the arguments. The warm path (nothing
# under build/, src/, global.json or Directory.*.props changed since the last successful compile) runs
# the compiled build directly, without MSBuild.

Set-StrictMode -Version 2.0; $ErrorActionPreference = "Stop"; $ConfirmPreference = "None"; trap { Write-Error $_ -ErrorAction Continue; exit 1 }
$ScriptRoot = Split-Path $MyInvocation.MyCommand.Path -Parent
$OnWindows = $env:OS -eq "Windows_NT"

###########################################################################
# CONFIGURATION
###########################################################################

$BuildProjectFile = Join-Path $ScriptRoot "build/_build.csproj"
$BuildAssembly = Join-Path $ScriptRoot "build/bin/Debug/net10.0/_build.dll"
$TempDirectory = Join-Path $ScriptRoot ".nuke/temp"
$BuildStamp = Join-Path $TempDirectory "build.stamp"

$DotNetGlobalFile = Join-Path $ScriptRoot "global.json"
$DotNetInstallUrl = "https://dot.net/v1/dotnet-install.ps1"
$DotNetChannel = "STS"
$DotNetDirectory = Join-Path $TempDirectory $(if ($OnWindows) { "dotnet-win" } else { "dotnet-unix" })
$DotNetInDirectory = Join-Path $DotNetDirectory $(if ($OnWindows) { "dotnet.exe" } else { "dotnet" })

$env:DOTNET_CLI_TELEMETRY_OPTOUT = 1
$env:DOTNET_NOLOGO = 1
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = 1

###########################################################################
# EXECUTION
###########################################################################

function ExecSafe([scriptblock] $cmd) {
    & $cmd
    if ($LASTEXITCODE) { exit $LASTEXITCODE }
}

# True when anything under $Path (bin/ and obj/ are outputs, not inputs) is newer than $Since.
function Test-ChangedSince([string] $Path, [datetime] $Since) {
    if (-not (Test-Path -LiteralPath $Path)) { return $false }
    $item = Get-Item -LiteralPath $Path -Force
    if ($item.LastWriteTimeUtc -gt $Since) { return $true }
    if (-not $item.PSIsContainer) { return $false }
    foreach ($child in Get-ChildItem -LiteralPath $Path -Force -ErrorAction SilentlyContinue) {
        if ($child.PSIsContainer -and ($child.Name -eq "bin" -or $child.Name -eq "obj")) { continue }
        if (Test-ChangedSince $child.FullName $Since) { return $true }
    }
    return $false
}

function Test-InputsChanged([datetime] $Since) {
    $inputs = @((Join-Path $ScriptRoot "build"), (Join-Path $ScriptRoot "src"), $DotNetGlobalFile)
    $inputs += @(Get-ChildItem -Path $ScriptRoot -Filter "Directory.*.*" -File -ErrorAction SilentlyContinue | ForEach-Object { $_.FullName })
    foreach ($path in $inputs) {
        if (Test-ChangedSince $path $Since) { return $true }
    }
    return $false
}

# 'dotnet --version' fails when global.json pins an SDK that is not installed, so it says whether a dotnet
# will do. It runs from the root to see global.json; stderr must not become a terminating error on 5.1.
function Get-DotNetVersion([string] $DotNet) {
    $previous = $ErrorActionPreference
    $ErrorActionPreference = "Continue"
    Push-Location $ScriptRoot
    try {
        $version = & $DotNet --version 2>$null
        if ($LASTEXITCODE -eq 0 -and $version) { return "$version".Trim() }
    }
    catch { }
    finally {
        Pop-Location
        $ErrorActionPreference = $previous
    }
    return $null
}

function Use-DotNet([string] $DotNet) {
    $env:DOTNET_EXE = $DotNet
    if ($DotNet.StartsWith($DotNetDirectory)) {
        $env:DOTNET_ROOT = $DotNetDirectory
        $env:PATH = "$DotNetDirectory$([IO.Path]::PathSeparator)$env:PATH"
    }
}

# Warm path: the stamp holds the dotnet that compiled the build; nothing changed since, so run it.
if ((Test-Path $BuildStamp) -and (Test-Path $BuildAssembly) -and -not $env:KANIKOBUILD_FORCE_COMPILE) {
    $StampedDotNet = Get-Content $BuildStamp -TotalCount 1
    $StampTime = (Get-Item $BuildStamp).LastWriteTimeUtc
    if ($StampedDotNet -and (Test-Path $StampedDotNet) -and -not (Test-InputsChanged $StampTime)) {
        Use-DotNet $StampedDotNet
        ExecSafe { & $env:DOTNET_EXE $BuildAssembly $BuildArguments }
        exit 0
    }
}

$DotNetOnPath = Get-Command "dotnet" -ErrorAction SilentlyContinue
$DotNetVersion = $null
if ($null -ne $DotNetOnPath) { $DotNetVersion = Get-DotNetVersion $DotNetOnPath.Source }
if ($DotNetVersion) {
    Use-DotNet $DotNetOnPath.Source
}
elseif ((Test-Path $DotNetInDirectory) -and ($DotNetVersion = Get-DotNetVersion $DotNetInDirectory)) {
    # Installed by an earlier run: no download, so this works offline.
    Use-DotNet $DotNetInDirectory
}
else {
    New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
    $DotNetInstallFile = Join-Path $TempDirectory "dotnet-install.ps1"
    [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
    (New-Object System.Net.WebClient).DownloadFile($DotNetInstallUrl, $DotNetInstallFile)

    $DotNetRequested = $null
    if (Test-Path $DotNetGlobalFile) {
        $GlobalJson = Get-Content $DotNetGlobalFile -Raw | ConvertFrom-Json
        if ($GlobalJson.PSObject.Properties["sdk"] -and $GlobalJson.sdk.PSObject.Properties["version"]) {
            $DotNetRequested = $GlobalJson.sdk.version
        }
    }
    if ($DotNetRequested) {
        & $DotNetInstallFile -InstallDir $DotNetDirectory -Version $DotNetRequested -NoPath
    }
    else {
        & $DotNetInstallFile -InstallDir $DotNetDirectory -Channel $DotNetChannel -NoPath
    }
    Use-DotNet $DotNetInDirectory
    $DotNetVersion = Get-DotNetVersion $DotNetInDirectory
}

Write-Output "Microsoft (R) .NET SDK version $DotNetVersion"

# The stamp is taken before compiling, so an edit made during the compile triggers the next one.
New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
Set-Content -Path "$BuildStamp.new" -Value $env:DOTNET_EXE
# 'msbuild -restore' is 'build' without the CLI's forced summary: silent unless something is wrong.
ExecSafe { & $env:DOTNET_EXE msbuild $BuildProjectFile -restore /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary -verbosity:quiet }
Move-Item -Path "$BuildStamp.new" -Destination $BuildStamp -Force

ExecSafe { & $env:DOTNET_EXE $BuildAssembly $BuildArguments }
