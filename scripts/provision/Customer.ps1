<#
.SYNOPSIS
    Tanium Provision hook Customer (full OS, every pass): the applications in plan order, a
    controlled reboot after those that ask for one, then the final status.
.DESCRIPTION
    Served by provisiond ({{ScriptSource}} {{ScriptVersion}}) and run by the launcher of the
    same name with -Context. Tanium runs this hook again after each reboot it asked for
    (RebootAndRerun); the ledger (C:\provision\ledger.json) makes each pass skip what is done.
    Returns the hook's outcome to the launcher; never exits.
#>
[CmdletBinding()]
param([Parameter(Mandatory = $true)][hashtable]$Context)
Set-StrictMode -Version Latest
Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'Provisiond.psm1') -Force

<#
.SYNOPSIS
    The command that installs a fetched app: its script inside the fetched folder, else the
    fetched file by extension (.msi with msiexec, .exe, .ps1, .cmd).
#>
function Get-AppCommand {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)]$App, [Parameter(Mandatory = $true)][string]$Fetched)
    $folder = $Fetched
    $file = $Fetched
    if (-not (Get-Item -LiteralPath $Fetched).PSIsContainer) {
        $folder = Split-Path -Path $Fetched -Parent
        if ([System.IO.Path]::GetExtension($Fetched) -eq '.zip') {
            $folder = $Fetched + '.d'
            Expand-Archive -LiteralPath $Fetched -DestinationPath $folder -Force
        }
    }
    if ($App.script) { $file = Join-Path -Path $folder -ChildPath ([string]$App.script) }
    $arguments = @()
    if ($App.install_args) { $arguments = @([string]$App.install_args) }
    switch ([System.IO.Path]::GetExtension($file).ToLowerInvariant()) {
        '.msi' { return @{ FilePath = 'msiexec.exe'; Arguments = @('/i', "`"$file`"", '/qn', '/norestart') + $arguments; Folder = $folder } }
        '.ps1' { return @{ FilePath = 'powershell.exe'; Arguments = @('-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', "`"$file`"") + $arguments; Folder = $folder } }
        { $_ -in @('.cmd', '.bat') } { return @{ FilePath = 'cmd.exe'; Arguments = @('/c', "`"$file`"") + $arguments; Folder = $folder } }
        default { return @{ FilePath = $file; Arguments = $arguments; Folder = $folder } }
    }
}

<#
.SYNOPSIS
    Fetches and installs one app; returns its exit code (throws on a code outside success_codes).
#>
function Install-PlannedApp {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)]$App)
    $ErrorActionPreference = 'Stop'
    $into = Join-Path -Path $Context.WorkDir -ChildPath ('downloads\apps\' + ([string]$App.name -replace '[^-A-Za-z0-9_.]', '_'))
    $fetched = Get-ProvisiondSource -Item $App -Into $into
    $command = Get-AppCommand -App $App -Fetched $fetched
    $codes = @($App.success_codes | ForEach-Object { [int]$_ })
    if ($codes.Count -eq 0) { $codes = @(0, 3010, 1641) }
    return (Invoke-ProvisiondProcess -FilePath $command.FilePath -Arguments $command.Arguments -SuccessCodes $codes -WorkingDirectory $command.Folder)
}

<#
.SYNOPSIS
    Reports the final status once (success or error, with the duration), flushes the queue and
    shows the result full screen.
#>
function Complete-Deployment {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][bool]$Succeeded, [Parameter(Mandatory = $true)][string]$Message)
    $deployment = Get-ProvisiondDeployment
    $started = [DateTime]::Parse([string]$deployment.started).ToUniversalTime()
    $minutes = [Math]::Round(((Get-Date).ToUniversalTime() - $started).TotalMinutes, 1)
    $status = 'error'
    if ($Succeeded) { $status = 'success' }
    $text = "END PROVISIONING: {0} ({1} min)" -f $Message, $minutes
    Send-ProvisiondEvent -Phase 'done' -Level $(if ($Succeeded) { 'info' } else { 'error' }) -Status $status -Percent 100 -Message $text
    $waiting = Send-ProvisiondQueue -Attempts 5
    if ($waiting -gt 0) { Write-ProvisiondLog -Level warning -Message "$waiting event(s) could not be sent; they stay in the queue for the next pass" }
    Show-ProvisiondResult -Succeeded $Succeeded -Message $Message -DeploymentId ([string]$deployment.id)
}

$outcome = Invoke-ProvisiondHook -Context $Context -Phase 'apps' -Body {
    $facts = Get-ProvisiondFacts -Phase 'apps'
    $pass = Get-ProvisiondOsdValue -Name 'ExecutionPass'
    $answer = Invoke-ProvisiondRequest -Method GET -Path '/api/v1/endpoint/apps' -Query @{ serial = $facts.serial; model = $facts.model; os = $facts.os_name }
    $apps = @($answer.apps)
    $policy = [string]$answer.on_app_failure
    $ledger = Get-ProvisiondLedger
    $failed = @()
    $index = 0
    foreach ($app in $apps) {
        $index++
        $name = [string]$app.name
        if ($ledger.apps.ContainsKey($name)) { continue }
        $percent = 40 + [int](55 * ($index - 1) / [Math]::Max(1, $apps.Count))
        Send-ProvisiondEvent -Phase 'apps' -Step $index -StepCount $apps.Count -Percent $percent -Message ("installing {0} ({1} of {2}, pass {3})" -f $name, $index, $apps.Count, $pass)
        try {
            $code = Install-PlannedApp -App $app
        } catch {
            Set-ProvisiondLedgerEntry -Kind apps -Name $name -Outcome 'failed' -ExitCode (-1)
            $failed += $name
            Send-ProvisiondEvent -Phase 'apps' -Level error -Step $index -StepCount $apps.Count -Message ("{0} failed: {1} (policy: {2})" -f $name, $_.Exception.Message, $policy)
            if ($policy -eq 'stop') {
                Complete-Deployment -Succeeded $false -Message ("{0} failed; the sequence stops (app_failure_policy stop)" -f $name)
                return @{ Outcome = 'error'; Message = "$name failed" }
            }
            continue
        }
        Set-ProvisiondLedgerEntry -Kind apps -Name $name -Outcome 'installed' -ExitCode $code
        Send-ProvisiondEvent -Phase 'apps' -Step $index -StepCount $apps.Count -Message ("{0} installed (exit {1})" -f $name, $code)
        if ($app.reboot) {
            Send-ProvisiondEvent -Phase 'apps' -Message ("rebooting after {0}; the sequence resumes after the reboot" -f $name)
            Set-ProvisiondOsdValue -Name 'RebootAndRerun' -Value 'true'
            return @{ Outcome = 'reboot'; RebootAndRerun = $true; Message = "reboot after $name" }
        }
    }
    if ($failed.Count -gt 0) {
        Complete-Deployment -Succeeded $false -Message ("{0} app(s) failed: {1}" -f $failed.Count, ($failed -join ', '))
        return @{ Outcome = 'error'; Message = 'apps failed' }
    }
    Complete-Deployment -Succeeded $true -Message ("{0} app(s) installed" -f $apps.Count)
    return @{ Outcome = 'ok' }
}
return $outcome
