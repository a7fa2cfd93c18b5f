<#
.SYNOPSIS
    Tanium Provision hook Customer-Pre (full OS, first pass): Other Files, the drivers WinPE
    could not add, language and keyboard.
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
    Sets the system and user language and the keyboard of the plan (International module).
#>
function Set-PlanLocale {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)]$Plan)
    $ErrorActionPreference = 'Stop'
    $language = [string]$Plan.language.value
    $keyboard = [string]$Plan.keyboard.value
    if (-not $language -and -not $keyboard) { return 'no language or keyboard in the plan' }
    if (-not (Get-Command -Name 'Set-WinUserLanguageList' -ErrorAction SilentlyContinue)) { return 'the International module is missing: language left as installed' }
    $list = New-WinUserLanguageList -Language $(if ($language) { $language } else { $keyboard })
    if ($keyboard -and $keyboard -ne $language) { $list.Add($keyboard) }
    Set-WinUserLanguageList -LanguageList $list -Force
    if ($language) {
        Set-WinSystemLocale -SystemLocale $language
        Set-WinUILanguageOverride -Language $language
        Set-Culture -CultureInfo $language
    }
    return ("language {0}, keyboard {1}" -f $language, $keyboard)
}

$outcome = Invoke-ProvisiondHook -Context $Context -Phase 'specialize' -Body {
    $extracted = Expand-ProvisiondOtherFiles
    $facts = Get-ProvisiondFacts -Phase 'full-os'
    $answer = Invoke-ProvisiondRequest -Method GET -Path '/api/v1/endpoint/drivers' -Query @{ serial = $facts.serial; model = $facts.model; os = $facts.os_name }
    $ledger = Get-ProvisiondLedger
    foreach ($driver in @($answer.drivers)) {
        $key = 'rule-{0}' -f $driver.rule_id
        if ($ledger.drivers.ContainsKey($key) -and $ledger.drivers[$key].outcome -eq 'installed') { continue }
        try {
            $package = Get-ProvisiondSource -Item $driver -Into (Join-Path -Path $Context.WorkDir -ChildPath ('downloads\drivers\' + $key))
            $code = Install-ProvisiondDriverFolder -Folder (Expand-ProvisiondPackage -Package $package)
            Set-ProvisiondLedgerEntry -Kind drivers -Name $key -Outcome 'installed' -ExitCode $code
            Send-ProvisiondEvent -Phase 'drivers' -Message ("driver package {0} installed with pnputil (exit {1})" -f $driver.url, $code)
        } catch {
            Set-ProvisiondLedgerEntry -Kind drivers -Name $key -Outcome 'failed'
            Send-ProvisiondEvent -Phase 'drivers' -Level warning -Message ("driver package {0} failed: {1}" -f $driver.url, $_.Exception.Message)
        }
    }
    $plan = Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/plan' -Body $facts
    $locale = Set-PlanLocale -Plan $plan
    Send-ProvisiondEvent -Phase 'specialize' -Step 4 -StepCount 4 -Percent 40 -Message ("{0} Other Files archive(s) extracted; {1}" -f $extracted, $locale)
    return @{ Outcome = 'ok' }
}
return $outcome
