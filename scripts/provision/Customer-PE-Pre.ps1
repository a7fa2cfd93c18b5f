<#
.SYNOPSIS
    Tanium Provision hook Customer-PE-Pre (WinPE, before partitioning): identify the device,
    start its deployment, confirm an unknown device, hand the plan to Tanium.
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
    The plan for these facts, after a person (here or in the web UI) confirmed an unknown device.
#>
function Get-ConfirmedPlan {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][hashtable]$Facts)
    $ErrorActionPreference = 'Stop'
    $plan = Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/plan' -Body $Facts
    while ($plan.needs_confirmation) {
        Send-ProvisiondEvent -Phase 'winpe' -Level warning -Message ("unknown device {0}: waiting for a confirmation (here or in provisiond)" -f $Facts.serial)
        $answer = Read-ProvisiondConfirmation -Plan $plan -Facts $Facts
        if ($null -ne $answer) {
            # 409: someone confirmed it in the web UI meanwhile; the plan below has it.
            # 400: the name or type was refused; the person is asked again, told why.
            $confirmed = Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/confirm' -Body $answer -AcceptStatus @(400, 409)
            if ($null -ne $confirmed -and $confirmed.PSObject.Properties['computer']) {
                Send-ProvisiondEvent -Phase 'winpe' -Message ("confirmed on the device as {0}" -f $confirmed.computer.computer_name)
            } elseif ($null -ne $confirmed -and $confirmed.PSObject.Properties['detail'] -and [int]$confirmed.status -eq 400) {
                Send-ProvisiondEvent -Phase 'winpe' -Level warning -Message ("confirmation refused: {0}" -f $confirmed.detail)
            }
        }
        $plan = Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/plan' -Body $Facts
    }
    return $plan
}

$outcome = Invoke-ProvisiondHook -Context $Context -Phase 'winpe' -Body {
    $facts = Get-ProvisiondFacts -Phase 'winpe'
    $deployment = Start-ProvisiondDeployment -Facts $facts
    Send-ProvisiondEvent -Phase 'winpe' -Step 1 -StepCount 4 -Percent 5 -Message ("START PROVISIONING {0} ({1} {2})" -f $facts.serial, $facts.make, $facts.model)
    $plan = Get-ConfirmedPlan -Facts $facts
    if (-not $plan.hardware.allowed) {
        $why = "hardware below the minimum for {0}: {1}" -f $facts.model, $plan.hardware.reason
        Send-ProvisiondEvent -Phase 'winpe' -Level error -Status 'error' -Message $why
        Show-ProvisiondResult -Succeeded $false -Message $why -DeploymentId $deployment.id
        return @{ Outcome = 'error'; Message = $why }
    }
    Set-ProvisiondPlanVariables -Plan $plan
    Save-ProvisiondJson -Path (Join-Path -Path $Context.WorkDir -ChildPath 'state\plan.json') -Value $plan
    Save-ProvisiondLocalConfig -Folder $Context.WorkDir
    $message = "plan: {0}, type {1}, {2} app(s), {3} driver package(s), bundle {4}" -f $plan.computer_name, $plan.type.value, @($plan.apps).Count, @($plan.drivers).Count, $plan.bundle.id
    Send-ProvisiondEvent -Phase 'winpe' -Step 2 -StepCount 4 -Percent 10 -Message $message
    return @{ Outcome = 'ok'; Message = $message }
}
return $outcome
