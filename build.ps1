[CmdletBinding()]
Param(
    [Parameter(Position = 0, Mandatory = $false, ValueFromRemainingArguments = $true)]
    [string[]]$BuildArguments
)

# Bootstrap, Nuke style (Windows PowerShell 5.1 and PowerShell 7): find (or install) the .NET SDK that
# global.json asks for, compile build/ when it changed, run it with the arguments. The warm path (no input
# file of the compile added, removed or edited since the last successful compile: the files under build/ and
# src/, global.json, Directory.*.props and .targets, .editorconfig) runs the compiled build directly, without
# MSBuild.

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

# The compile's input files: files only, never directories (a directory's time changes when the compile
# creates bin/ and obj/ in it), and nothing under bin/ or obj/ (outputs).
function Add-InputFiles([string] $Directory, [System.Collections.Generic.List[System.IO.FileInfo]] $Files) {
    foreach ($child in Get-ChildItem -LiteralPath $Directory -Force -ErrorAction SilentlyContinue) {
        if ($child.PSIsContainer) {
            if ($child.Name -ne "bin" -and $child.Name -ne "obj") { Add-InputFiles $child.FullName $Files }
        }
        else { $Files.Add($child) }
    }
}

# A checksum of the input files' paths; with $Since, a file changed after it is marked, so the sum differs
# from the one the stamp recorded when a file was edited, added, removed or renamed since the last compile.
function Get-InputChecksum([Nullable[datetime]] $Since) {
    $files = New-Object System.Collections.Generic.List[System.IO.FileInfo]
    foreach ($directory in @("build", "src")) { Add-InputFiles (Join-Path $ScriptRoot $directory) $files }
    foreach ($name in @("global.json", ".editorconfig", "NuGet.config", "nuget.config")) {
        $path = Join-Path $ScriptRoot $name
        if (Test-Path -LiteralPath $path -PathType Leaf) { $files.Add((Get-Item -LiteralPath $path -Force)) }
    }
    foreach ($file in Get-ChildItem -Path $ScriptRoot -Filter "Directory.*.*" -File -Force -ErrorAction SilentlyContinue) {
        if ($file.Extension -eq ".props" -or $file.Extension -eq ".targets") { $files.Add($file) }
    }
    $lines = New-Object System.Collections.Generic.List[string]
    foreach ($file in $files) {
        $relative = $file.FullName.Substring($ScriptRoot.Length)
        if ($null -ne $Since -and $file.LastWriteTimeUtc -gt $Since) { $relative += " changed" }
        $lines.Add($relative)
    }
    $sorted = $lines.ToArray()
    [Array]::Sort($sorted, [StringComparer]::Ordinal)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try { $hash = $sha.ComputeHash([Text.Encoding]::UTF8.GetBytes(($sorted -join "`n"))) }
    finally { $sha.Dispose() }
    return "$($sorted.Length) $([BitConverter]::ToString($hash).Replace('-', '').ToLowerInvariant())"
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

# Warm path: the stamp holds the dotnet that compiled the build and the checksum of its inputs then; nothing
# changed since, so run it.
if ((Test-Path $BuildStamp) -and (Test-Path $BuildAssembly) -and -not $env:KANIKOBUILD_FORCE_COMPILE) {
    $Stamp = @(Get-Content $BuildStamp -TotalCount 2)
    $StampTime = (Get-Item $BuildStamp).LastWriteTimeUtc
    if ($Stamp.Length -eq 2 -and $Stamp[0] -and (Test-Path $Stamp[0]) -and $Stamp[1] -eq (Get-InputChecksum $StampTime)) {
        $StampedDotNet = $Stamp[0]
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

# The stamp is taken before compiling (its time and the input checksum), so an edit made during the compile
# triggers the next one.
New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
Set-Content -Path "$BuildStamp.new" -Value @($env:DOTNET_EXE, (Get-InputChecksum $null))
# 'msbuild -restore' is 'build' without the CLI's forced summary: silent unless something is wrong.
ExecSafe { & $env:DOTNET_EXE msbuild $BuildProjectFile -restore /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary -verbosity:quiet }
Move-Item -Path "$BuildStamp.new" -Destination $BuildStamp -Force

ExecSafe { & $env:DOTNET_EXE $BuildAssembly $BuildArguments }
