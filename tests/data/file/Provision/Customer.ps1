# Customer.ps1 sample: the full customer script fetched by the launchers.
# $WsBase is filled in by provisiond from the URL the endpoint used.
$WsBase = 'http://placeholder.invalid:12176'  # replaced when served
$WsBaseUrl = "unchanged"
$ConfigUrl = "{{WsBase}}/getcomputer"
Write-Host "Provisioning from $WsBase"
return
