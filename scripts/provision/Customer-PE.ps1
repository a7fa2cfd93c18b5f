<#
.SYNOPSIS
    Tanium Provision hook Customer-PE (WinPE, after the image is applied, before the reboot):
    inject the drivers of this model and OS into the image, carry the state to C:\provision.
.DESCRIPTION
    Served by provisiond ({{ScriptSource}} {{ScriptVersion}}) and run by the launcher of the
    same name with -Context. Returns the hook's outcome to the launcher; never exits.
#>
[CmdletBinding()]
param([Parameter(Mandatory = $true)][hashtable]$Context)
Set-StrictMode -Version Latest
Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'Provisiond.psm1') -Force

<#
.SYNOPSIS
    Installs each driver package of the list once (the ledger remembers), reporting each.
#>
function Install-DriverList {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][hashtable]$Facts, [string]$Phase = 'drivers')
    $ErrorActionPreference = 'Stop'
    $answer = Invoke-ProvisiondRequest -Method GET -Path '/api/v1/endpoint/drivers' -Query @{ serial = $Facts.serial; model = $Facts.model; os = $Facts.os_name }
    $drivers = @($answer.drivers)
    $ledger = Get-ProvisiondLedger
    $index = 0
    foreach ($driver in $drivers) {
        $index++
        $key = 'rule-{0}' -f $driver.rule_id
        if ($ledger.drivers.ContainsKey($key)) { continue }
        $shown = [string]$driver.url
        Send-ProvisiondEvent -Phase $Phase -Step $index -StepCount $drivers.Count -Message ("driver package {0} of {1}: {2}" -f $index, $drivers.Count, $shown)
        try {
            $package = Get-ProvisiondSource -Item $driver -Into (Join-Path -Path $Context.WorkDir -ChildPath ('downloads\drivers\' + $key))
            $folder = Expand-ProvisiondPackage -Package $package
            $code = Install-ProvisiondDriverFolder -Folder $folder
            Set-ProvisiondLedgerEntry -Kind drivers -Name $key -Outcome 'installed' -ExitCode $code
        } catch {
            Set-ProvisiondLedgerEntry -Kind drivers -Name $key -Outcome 'failed'
            Send-ProvisiondEvent -Phase $Phase -Level warning -Message ("driver package {0} failed: {1}" -f $shown, $_.Exception.Message)
        }
    }
    return $drivers.Count
}

$outcome = Invoke-ProvisiondHook -Context $Context -Phase 'drivers' -Body {
    $facts = Get-ProvisiondFacts -Phase 'winpe-drivers'
    $count = Install-DriverList -Facts $facts
    # The full OS reads C:\provision: config (the original's hand-off), state, ledger, queue.
    $target = 'C:\provision'
    if ($Context.WorkDir -ne $target) {
        if (-not (Test-Path -LiteralPath $target)) { New-Item -ItemType Directory -Path $target -Force | Out-Null }
        foreach ($item in @('config.json', 'ledger.json', 'state', 'queue', 'Logs', 'scripts')) {
            $from = Join-Path -Path $Context.WorkDir -ChildPath $item
            if (Test-Path -LiteralPath $from) { Copy-Item -LiteralPath $from -Destination $target -Recurse -Force }
        }
    }
    Send-ProvisiondEvent -Phase 'drivers' -Step 3 -StepCount 4 -Percent 30 -Message ("{0} driver package(s) handled in WinPE; rebooting into Windows" -f $count)
    return @{ Outcome = 'ok' }
}
return $outcome
