<#
.SYNOPSIS
    provisiond endpoint module: transport (TLS modes 0/1/2, pinned root), API calls, event queue,
    ledger, facts, Tanium OSD variables and the full-screen dialogs.
.DESCRIPTION
    Served by provisiond at /file/Provision/Provisiond.psm1 ({{ScriptSource}} {{ScriptVersion}}),
    downloaded by the launchers beside the hook scripts and imported by them. PowerShell 5.1
    (WinPE with the PowerShell and .NET optional components, Windows 10/11).
    Every HTTP call goes through Invoke-ProvisiondRequest with a literal path from
    scripts/contract.json: the contract test reads them from this file's syntax tree.
#>
Set-StrictMode -Version Latest

$script:ModuleVersion = '{{ScriptVersion}}'
$script:Context = $null
$script:PinnedRoots = @()
$script:TrustedRoots = @()
$script:GiB = 1073741824  # written out: the parser the checks use does not read 1GB

# --- context and local state ----------------------------------------------------------------

<#
.SYNOPSIS
    Sets the context every other function uses: service address, keys, folders, settings.
.PARAMETER Context
    The hashtable the launcher passes: WsBase, BundleKey, RootSha256, WorkDir, Hook, LauncherVersion.
#>
function Initialize-ProvisiondContext {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][hashtable]$Context)
    $ErrorActionPreference = 'Stop'
    $work = [string]$Context.WorkDir
    foreach ($sub in @('', 'state', 'queue', 'cache', 'Logs', 'downloads')) {
        $dir = Join-Path -Path $work -ChildPath $sub
        if (-not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
    }
    $local = Read-ProvisiondJson -Path (Join-Path -Path $work -ChildPath 'config.json')
    $base = [string]$Context.WsBase
    if ($null -ne $local -and $local.PSObject.Properties['wsBase'] -and $local.wsBase) { $base = [string]$local.wsBase }
    $script:Context = @{
        WsBase      = $base.TrimEnd('/')
        BundleKey   = [string]$Context.BundleKey
        WorkDir     = $work
        Hook        = [string]$Context.Hook
        Local       = $local
        Settings    = @{}
        StatePath   = Join-Path -Path $work -ChildPath 'state\transport.json'
        QueueDir    = Join-Path -Path $work -ChildPath 'queue'
        LedgerPath  = Join-Path -Path $work -ChildPath 'ledger.json'
        DeployPath  = Join-Path -Path $work -ChildPath 'state\deployment.json'
        RootsPath   = Join-Path -Path $work -ChildPath 'state\roots.pem'
    }
    $script:PinnedRoots = @(([string]$Context.RootSha256).Split(',') | Where-Object { $_ } |
        ForEach-Object { $_.Replace(':', '').ToLowerInvariant() })
    Set-ProvisiondTlsProtocol
    $state = Read-ProvisiondJson -Path $script:Context.StatePath
    if ($null -ne $state -and $state.PSObject.Properties['settings']) {
        foreach ($p in $state.settings.PSObject.Properties) { $script:Context.Settings[$p.Name] = $p.Value }
    }
}

<#
.SYNOPSIS
    Reads a JSON file into an object; $null when it is missing or unreadable.
#>
function Read-ProvisiondJson {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Path)
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    try {
        return (Get-Content -LiteralPath $Path -Raw -Encoding UTF8 | ConvertFrom-Json)
    } catch {
        Write-ProvisiondLog -Level warning -Message "ignoring unreadable $Path ($($_.Exception.Message))"
        return $null
    }
}

<#
.SYNOPSIS
    Writes an object as JSON atomically: a temp file beside the target, then a replace, so a
    power cut leaves the old file or the new one, never half of one.
#>
function Save-ProvisiondJson {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Path, [Parameter(Mandatory = $true)]$Value)
    $ErrorActionPreference = 'Stop'
    $tmp = "$Path.tmp"
    $text = ConvertTo-Json -InputObject $Value -Depth 10
    [System.IO.File]::WriteAllText($tmp, $text, (New-Object System.Text.UTF8Encoding -ArgumentList $false))
    if (Test-Path -LiteralPath $Path) {
        [System.IO.File]::Replace($tmp, $Path, $null)
    } else {
        [System.IO.File]::Move($tmp, $Path)
    }
}

<#
.SYNOPSIS
    One log line to the host and the transcript, with a level.
#>
function Write-ProvisiondLog {
    [CmdletBinding()]
    param([ValidateSet('debug', 'info', 'warning', 'error')][string]$Level = 'info', [string]$Message)
    $line = '{0} [{1}] {2}' -f (Get-Date).ToString('s'), $Level.ToUpperInvariant(), $Message
    Write-Host $line
}

<#
.SYNOPSIS
    Starts the transcript of this hook under <work>\Logs.
#>
function Start-ProvisiondTranscript {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Hook)
    $name = '{0}-{1}.log' -f [System.IO.Path]::GetFileNameWithoutExtension($Hook), (Get-Date).ToString('yyyyMMdd-HHmmss')
    $path = Join-Path -Path (Join-Path -Path $script:Context.WorkDir -ChildPath 'Logs') -ChildPath $name
    try { Start-Transcript -LiteralPath $path -Append | Out-Null } catch { Write-Host "no transcript: $($_.Exception.Message)" }
}

<#
.SYNOPSIS
    Stops the transcript Start-ProvisiondTranscript started (no error when none runs).
#>
function Stop-ProvisiondTranscript {
    [CmdletBinding()]
    param()
    try { Stop-Transcript | Out-Null } catch { Write-Verbose 'no transcript to stop' }
}

# --- settings and TLS modes -----------------------------------------------------------------

<#
.SYNOPSIS
    A TLS setting: the local value (config.json, without prefix) wins over the server's
    (Server_<name> from /api/v1/endpoint/settings), else the default.
#>
function Get-ProvisiondSetting {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Name, [int]$Default)
    $local = $script:Context.Local
    if ($null -ne $local -and $local.PSObject.Properties[$Name]) { return [int]$local.$Name }
    $server = 'Server_' + $Name
    if ($script:Context.Settings.ContainsKey($server)) { return [int]$script:Context.Settings[$server] }
    return $Default
}

<#
.SYNOPSIS
    TLS 1.2 (and 1.3 where .NET knows it) for every request of this session.
#>
function Set-ProvisiondTlsProtocol {
    [CmdletBinding()]
    param()
    $protocols = [System.Net.SecurityProtocolType]::Tls12
    $names = [System.Enum]::GetNames([System.Net.SecurityProtocolType])
    if ($names -contains 'Tls13') { $protocols = $protocols -bor [System.Net.SecurityProtocolType]'Tls13' }
    [System.Net.ServicePointManager]::SecurityProtocol = $protocols
}

<#
.SYNOPSIS
    The transport state kept across reboots: TLS failures in a row, when TLS is tried again,
    the current backoff, and the server's settings last seen.
#>
function Get-ProvisiondTransportState {
    [CmdletBinding()]
    param()
    $state = Read-ProvisiondJson -Path $script:Context.StatePath
    $out = @{ tlsFailures = 0; nextTlsAttempt = 0; backoffSeconds = 0 }
    if ($null -ne $state) {
        foreach ($k in @('tlsFailures', 'nextTlsAttempt', 'backoffSeconds')) {
            if ($state.PSObject.Properties[$k]) { $out[$k] = [long]$state.$k }
        }
    }
    return $out
}

<#
.SYNOPSIS
    Saves the transport state with the settings last seen.
#>
function Save-ProvisiondTransportState {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][hashtable]$State)
    $copy = $State.Clone()
    $copy['settings'] = $script:Context.Settings
    Save-ProvisiondJson -Path $script:Context.StatePath -Value $copy
}

<#
.SYNOPSIS
    The scheme to use now: 'https' or 'http', from ReportingTLSMode and the mode-2 state.
#>
function Get-ProvisiondScheme {
    [CmdletBinding()]
    param()
    $defaultMode = 0
    if ($script:Context.WsBase.StartsWith('https://')) { $defaultMode = 2 }
    $mode = Get-ProvisiondSetting -Name 'ReportingTLSMode' -Default $defaultMode
    if ($mode -eq 0) { return 'http' }
    if ($mode -eq 1) { return 'https' }
    $state = Get-ProvisiondTransportState
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($state.nextTlsAttempt -gt $now) { return 'http' }
    return 'https'
}

<#
.SYNOPSIS
    Mode 2 bookkeeping after a request: a TLS success resets the count; the
    OptionalTLSMinAttemptCount-th failure in a row switches to plaintext until a backoff that
    starts at OptionalTLSBackoffIntervalSeconds and doubles up to OptionalTLSMaxBackoffSeconds.
    Returns $true when the caller should retry at once over plaintext.
#>
function Update-ProvisiondTransportState {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Scheme, [Parameter(Mandatory = $true)][bool]$Succeeded)
    $defaultMode = 0
    if ($script:Context.WsBase.StartsWith('https://')) { $defaultMode = 2 }
    if ((Get-ProvisiondSetting -Name 'ReportingTLSMode' -Default $defaultMode) -ne 2 -or $Scheme -ne 'https') { return $false }
    $state = Get-ProvisiondTransportState
    if ($Succeeded) {
        if ($state.tlsFailures -ne 0 -or $state.backoffSeconds -ne 0) {
            Save-ProvisiondTransportState -State @{ tlsFailures = 0; nextTlsAttempt = 0; backoffSeconds = 0 }
        }
        return $false
    }
    $state.tlsFailures = $state.tlsFailures + 1
    $min = Get-ProvisiondSetting -Name 'OptionalTLSMinAttemptCount' -Default 3
    if ($state.tlsFailures -lt $min) {
        Save-ProvisiondTransportState -State $state
        return $false
    }
    $first = Get-ProvisiondSetting -Name 'OptionalTLSBackoffIntervalSeconds' -Default 1
    $max = Get-ProvisiondSetting -Name 'OptionalTLSMaxBackoffSeconds' -Default 3600
    if ($state.backoffSeconds -le 0) { $state.backoffSeconds = $first } else { $state.backoffSeconds = [Math]::Min($state.backoffSeconds * 2, $max) }
    $state.nextTlsAttempt = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + $state.backoffSeconds
    $state.tlsFailures = 0
    Save-ProvisiondTransportState -State $state
    Write-ProvisiondLog -Level warning -Message ("TLS failed {0} times: plaintext for {1} s (mode 2)" -f $min, $state.backoffSeconds)
    return $true
}

<#
.SYNOPSIS
    The service's base URL for a scheme ("https://host:port/prefix").
#>
function Get-ProvisiondBaseUrl {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Scheme)
    $rest = $script:Context.WsBase -replace '^[A-Za-z]+://', ''
    return ('{0}://{1}' -f $Scheme, $rest)
}

# --- pinned root ----------------------------------------------------------------------------

<#
.SYNOPSIS
    SHA-256 of bytes as lower-case hex.
#>
function Get-ProvisiondSha256 {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][byte[]]$Bytes)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        return (($sha.ComputeHash($Bytes) | ForEach-Object { $_.ToString('x2') }) -join '')
    } finally {
        $sha.Dispose()
    }
}

<#
.SYNOPSIS
    The certificates of a PEM text.
#>
function ConvertFrom-ProvisiondPem {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Pem)
    $certs = @()
    $pattern = '-----BEGIN CERTIFICATE-----(?<body>[A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----'
    foreach ($m in [regex]::Matches($Pem, $pattern)) {
        $der = [Convert]::FromBase64String(($m.Groups['body'].Value -replace '\s', ''))
        $certs += New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList (, $der)
    }
    return $certs
}

<#
.SYNOPSIS
    Loads the pinned roots: the cached roots.pem, else /api/v1/tls/root.crt fetched without
    trusting the connection, and keeps only certificates whose SHA-256 is pinned.
#>
function Initialize-ProvisiondTrust {
    [CmdletBinding()]
    param()
    $ErrorActionPreference = 'Stop'
    if ($script:PinnedRoots.Count -eq 0) { return }
    $pem = ''
    if (Test-Path -LiteralPath $script:Context.RootsPath) { $pem = Get-Content -LiteralPath $script:Context.RootsPath -Raw }
    $roots = @(ConvertFrom-ProvisiondPem -Pem $pem | Where-Object { $script:PinnedRoots -contains (Get-ProvisiondSha256 -Bytes $_.RawData) })
    if ($roots.Count -eq 0) {
        # The pin, not the connection, makes the root trustworthy.
        $answer = Invoke-ProvisiondRequest -Method GET -Path '/api/v1/tls/root.crt' -Raw -TrustAny
        $pem = [string]$answer.Content
        $roots = @(ConvertFrom-ProvisiondPem -Pem $pem | Where-Object { $script:PinnedRoots -contains (Get-ProvisiondSha256 -Bytes $_.RawData) })
        if ($roots.Count -eq 0) { throw 'no root from /api/v1/tls/root.crt matches the pinned SHA-256: regenerate the launchers (provisiond launchers)' }
        [System.IO.File]::WriteAllText($script:Context.RootsPath, $pem)
    }
    $script:TrustedRoots = $roots
}

<#
.SYNOPSIS
    True when the server's certificate chains to a pinned root and names this host.
#>
function Test-ProvisiondCertificate {
    [CmdletBinding()]
    param($Certificate, $SslPolicyErrors)
    if ($script:PinnedRoots.Count -eq 0) { return ($SslPolicyErrors -eq [System.Net.Security.SslPolicyErrors]::None) }
    if (($SslPolicyErrors -band [System.Net.Security.SslPolicyErrors]::RemoteCertificateNameMismatch) -ne 0) { return $false }
    $leaf = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $Certificate
    $chain = New-Object System.Security.Cryptography.X509Certificates.X509Chain
    $chain.ChainPolicy.RevocationMode = [System.Security.Cryptography.X509Certificates.X509RevocationMode]::NoCheck
    $chain.ChainPolicy.VerificationFlags = [System.Security.Cryptography.X509Certificates.X509VerificationFlags]::AllowUnknownCertificateAuthority
    foreach ($r in $script:TrustedRoots) { [void]$chain.ChainPolicy.ExtraStore.Add($r) }
    [void]$chain.Build($leaf)
    $top = $chain.ChainElements[$chain.ChainElements.Count - 1].Certificate
    return ($script:PinnedRoots -contains (Get-ProvisiondSha256 -Bytes $top.RawData))
}

# --- requests -------------------------------------------------------------------------------

<#
.SYNOPSIS
    One HTTP call to provisiond, with the transport rules (TLS mode, pinning, fallback), the
    bundle key and the deployment token; retried with backoff on network errors.
.PARAMETER Path
    A literal path of scripts/contract.json; {name} segments are filled from PathValues.
.OUTPUTS
    The parsed JSON answer, or with -Raw an object with StatusCode, Content and Headers.
#>
function Invoke-ProvisiondRequest {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)][ValidateSet('GET', 'POST')][string]$Method,
        [Parameter(Mandatory = $true)][string]$Path,
        [hashtable]$PathValues = @{},
        [hashtable]$Query = @{},
        $Body = $null,
        [switch]$Raw,
        [switch]$TrustAny,
        [int]$Attempts = 5,
        [int[]]$AcceptStatus = @()
    )
    $ErrorActionPreference = 'Stop'
    $target = $Path
    foreach ($k in $PathValues.Keys) {
        # Each segment escaped on its own: a content path keeps its slashes.
        $escaped = ([string]$PathValues[$k]).Split('/') | ForEach-Object { [Uri]::EscapeDataString($_) }
        $target = $target.Replace('{' + $k + '}', ($escaped -join '/'))
    }
    $pairs = @()
    foreach ($k in ($Query.Keys | Sort-Object)) {
        if ($null -ne $Query[$k] -and [string]$Query[$k] -ne '') { $pairs += ('{0}={1}' -f $k, [Uri]::EscapeDataString([string]$Query[$k])) }
    }
    if ($pairs.Count -gt 0) { $target += '?' + ($pairs -join '&') }
    $delay = 2
    for ($attempt = 1; $attempt -le $Attempts; $attempt++) {
        $scheme = Get-ProvisiondScheme
        try {
            $answer = Send-ProvisiondHttp -Method $Method -Url ((Get-ProvisiondBaseUrl -Scheme $scheme) + $target) -Body $Body -TrustAny:$TrustAny
            [void](Update-ProvisiondTransportState -Scheme $scheme -Succeeded $true)
            # A proxy in front (IIS, nginx) answers 502/503/504 while provisiond is down: retried
            # like a network error; TLS itself worked, so it is no TLS failure.
            if (@(502, 503, 504) -contains $answer.StatusCode -and $attempt -lt $Attempts) {
                Write-ProvisiondLog -Level warning -Message ("{0} {1}: HTTP {2} (attempt {3} of {4})" -f $Method, $Path, $answer.StatusCode, $attempt, $Attempts)
                Start-Sleep -Seconds $delay
                $delay = [Math]::Min($delay * 2, 60)
                continue
            }
            if ($answer.StatusCode -ge 400 -and $AcceptStatus -notcontains $answer.StatusCode) {
                throw (New-Object System.InvalidOperationException -ArgumentList ("{0} {1}: HTTP {2} {3}" -f $Method, $Path, $answer.StatusCode, $answer.Content))
            }
            if ($Raw) { return $answer }
            if ([string]::IsNullOrEmpty($answer.Content)) { return $null }
            return ($answer.Content | ConvertFrom-Json)
        } catch [System.Net.WebException] {
            $retryPlain = Update-ProvisiondTransportState -Scheme $scheme -Succeeded $false
            Write-ProvisiondLog -Level warning -Message ("{0} {1} over {2}: {3} (attempt {4} of {5})" -f $Method, $Path, $scheme, $_.Exception.Message, $attempt, $Attempts)
            if ($attempt -eq $Attempts) { throw }
            if (-not $retryPlain) {
                Start-Sleep -Seconds $delay
                $delay = [Math]::Min($delay * 2, 60)
            }
        }
    }
}

<#
.SYNOPSIS
    Sends one request (HttpWebRequest: no IE engine needed in WinPE); HTTP errors are answers,
    network and TLS errors throw WebException.
#>
function Send-ProvisiondHttp {
    [CmdletBinding()]
    param([string]$Method, [string]$Url, $Body, [switch]$TrustAny, [string]$OutFile = '')
    $ErrorActionPreference = 'Stop'
    $request = [System.Net.HttpWebRequest][System.Net.WebRequest]::Create($Url)
    $request.Method = $Method
    $request.UserAgent = 'provisiond-endpoint/' + $script:ModuleVersion
    $request.Timeout = 60000
    $request.AllowAutoRedirect = $true
    if ($script:Context.BundleKey) { $request.Headers.Add('X-Provision-Key', $script:Context.BundleKey) }
    $token = Get-ProvisiondDeploymentToken
    if ($token) { $request.Headers.Add('X-Deployment-Token', $token) }
    if ($Url.StartsWith('https://')) {
        if ($TrustAny) {
            $request.ServerCertificateValidationCallback = { param($s, $c, $ch, $e) $true }
        } else {
            $request.ServerCertificateValidationCallback = { param($s, $c, $ch, $e) Test-ProvisiondCertificate -Certificate $c -SslPolicyErrors $e }
        }
    }
    if ($null -ne $Body) {
        $bytes = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $Body -Depth 10 -Compress))
        $request.ContentType = 'application/json'
        $request.ContentLength = $bytes.Length
        $stream = $request.GetRequestStream()
        try { $stream.Write($bytes, 0, $bytes.Length) } finally { $stream.Dispose() }
    }
    try {
        $response = [System.Net.HttpWebResponse]$request.GetResponse()
    } catch [System.Net.WebException] {
        if ($null -eq $_.Exception.Response) { throw }
        $response = [System.Net.HttpWebResponse]$_.Exception.Response
    }
    try {
        $body = $response.GetResponseStream()
        $reader = New-Object System.IO.StreamReader -ArgumentList @($body, [System.Text.Encoding]::UTF8)
        $content = $reader.ReadToEnd()
        return [pscustomobject]@{ StatusCode = [int]$response.StatusCode; Content = $content; Headers = $response.Headers }
    } finally {
        $response.Dispose()
    }
}

# --- deployment, events and the offline queue ----------------------------------------------

<#
.SYNOPSIS
    The deployment id and token this endpoint reports to (state\deployment.json), or $null.
#>
function Get-ProvisiondDeployment {
    [CmdletBinding()]
    param()
    return (Read-ProvisiondJson -Path $script:Context.DeployPath)
}

<#
.SYNOPSIS
    The per-deployment token events carry ('' when the routes are unkeyed).
#>
function Get-ProvisiondDeploymentToken {
    [CmdletBinding()]
    param()
    if ($null -eq $script:Context) { return '' }
    $d = Read-ProvisiondJson -Path $script:Context.DeployPath
    if ($null -ne $d -and $d.PSObject.Properties['token']) { return [string]$d.token }
    return ''
}

<#
.SYNOPSIS
    Starts the deployment record for these facts, once per provisioning (kept in state\deployment.json).
#>
function Start-ProvisiondDeployment {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][hashtable]$Facts)
    $ErrorActionPreference = 'Stop'
    $existing = Get-ProvisiondDeployment
    if ($null -ne $existing) { return $existing }
    $started = Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/deployments' -Body $Facts
    $token = ''
    if ($started.PSObject.Properties['deployment_token']) { $token = [string]$started.deployment_token }
    $record = [ordered]@{ id = [string]$started.id; token = $token; started = (Get-Date).ToUniversalTime().ToString('o') }
    Save-ProvisiondJson -Path $script:Context.DeployPath -Value $record
    Write-ProvisiondLog -Message ("deployment {0} started (needs confirmation: {1})" -f $started.id, $started.plan.needs_confirmation)
    return (Get-ProvisiondDeployment)
}

<#
.SYNOPSIS
    Reports a step: queued on disk first (a client-made event id), then the queue is sent in
    order; events made while the network is down go out later, none lost, none twice.
#>
function Send-ProvisiondEvent {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)][string]$Phase,
        [string]$Message = '',
        [ValidateSet('debug', 'info', 'warning', 'error')][string]$Level = 'info',
        [int]$Step = -1,
        [int]$StepCount = -1,
        [int]$Percent = -1,
        [ValidateSet('', 'success', 'error')][string]$Status = ''
    )
    $record = [ordered]@{ event_id = [guid]::NewGuid().ToString(); phase = $Phase; level = $Level; message = $Message }
    if ($StepCount -ge 1 -and $Step -ge 0) { $record.step = $Step; $record.step_count = $StepCount }
    if ($Percent -ge 0) { $record.percent = [Math]::Min(100, $Percent) }
    if ($Status) { $record.status = $Status }
    $name = '{0:D20}-{1}.json' -f [DateTime]::UtcNow.Ticks, $record.event_id
    Save-ProvisiondJson -Path (Join-Path -Path $script:Context.QueueDir -ChildPath $name) -Value $record
    Write-ProvisiondLog -Level $Level -Message ("[{0}] {1}" -f $Phase, $Message)
    [void](Send-ProvisiondQueue)
}

<#
.SYNOPSIS
    Sends the queued events oldest first; stops at the first failure (order is kept) and
    returns how many are still waiting.
#>
function Send-ProvisiondQueue {
    [CmdletBinding()]
    param([int]$Attempts = 1)
    $deployment = Get-ProvisiondDeployment
    $files = @(Get-ChildItem -LiteralPath $script:Context.QueueDir -Filter '*.json' | Sort-Object -Property Name)
    if ($null -eq $deployment) { return $files.Count }
    $sent = 0
    foreach ($f in $files) {
        $record = Get-Content -LiteralPath $f.FullName -Raw -Encoding UTF8 | ConvertFrom-Json
        try {
            $answer = Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/deployments/{id}/events' `
                -PathValues @{ id = $deployment.id } -Body $record -Attempts $Attempts -AcceptStatus @(409)
        } catch {
            Write-ProvisiondLog -Level warning -Message ("{0} event(s) kept for later: {1}" -f ($files.Count - $sent), $_.Exception.Message)
            return ($files.Count - $sent)
        }
        if ($null -ne $answer -and $answer.PSObject.Properties['duplicate'] -and $answer.duplicate) {
            Write-ProvisiondLog -Level debug -Message "event $($record.event_id) was already stored"
        }
        Remove-Item -LiteralPath $f.FullName -Force
        $sent++
    }
    return 0
}

# --- ledger ---------------------------------------------------------------------------------

<#
.SYNOPSIS
    The ledger of what this endpoint did (C:\provision\ledger.json): apps and drivers by name.
#>
function Get-ProvisiondLedger {
    [CmdletBinding()]
    param()
    $ledger = @{ apps = @{}; drivers = @{} }
    $saved = Read-ProvisiondJson -Path $script:Context.LedgerPath
    if ($null -ne $saved) {
        foreach ($kind in @('apps', 'drivers')) {
            if ($saved.PSObject.Properties[$kind]) {
                foreach ($p in $saved.$kind.PSObject.Properties) { $ledger[$kind][$p.Name] = $p.Value }
            }
        }
    }
    return $ledger
}

<#
.SYNOPSIS
    Records one app or driver in the ledger (written atomically).
#>
function Set-ProvisiondLedgerEntry {
    [CmdletBinding()]
    param([ValidateSet('apps', 'drivers')][string]$Kind, [string]$Name, [string]$Outcome, [int]$ExitCode = 0)
    $ledger = Get-ProvisiondLedger
    $ledger[$Kind][$Name] = [ordered]@{ outcome = $Outcome; exit_code = $ExitCode; at = (Get-Date).ToUniversalTime().ToString('o') }
    Save-ProvisiondJson -Path $script:Context.LedgerPath -Value $ledger
}

# --- facts ----------------------------------------------------------------------------------

<#
.SYNOPSIS
    True in WinPE.
#>
function Test-ProvisiondWinPE {
    [CmdletBinding()]
    param()
    return (Test-Path -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control\MiniNT')
}

<#
.SYNOPSIS
    The facts /api/v1/endpoint/plan and /deployments take: serial, make, model, uuid, MACs,
    RAM, disk, CPU count, firmware, target OS.
#>
function Get-ProvisiondFacts {
    [CmdletBinding()]
    param([string]$Phase = '')
    $bios = Get-CimInstance -ClassName Win32_BIOS
    $system = Get-CimInstance -ClassName Win32_ComputerSystem
    $product = Get-CimInstance -ClassName Win32_ComputerSystemProduct
    $make = ([string]$system.Manufacturer).Trim()
    $model = ([string]$system.Model).Trim()
    # Lenovo's Model is a machine type code; the readable name is the product's Version.
    if ($make -match 'LENOVO' -and $product.Version) { $model = ([string]$product.Version).Trim() }
    $macs = @(Get-CimInstance -ClassName Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = True' |
        Where-Object { $_.MACAddress } | ForEach-Object { $_.MACAddress.Replace(':', '-') })
    $disk = Get-CimInstance -ClassName Win32_DiskDrive | Sort-Object -Property Index | Select-Object -First 1
    $facts = @{
        serial         = ([string]$bios.SerialNumber).Trim()
        make           = $make
        model          = $model
        uuid           = [string]$product.UUID
        macs           = $macs
        ram_gb         = [Math]::Round($system.TotalPhysicalMemory / $script:GiB, 1)
        cpu_count      = [int]$system.NumberOfLogicalProcessors
        firmware       = Get-ProvisiondFirmware
        client_version = $script:ModuleVersion
    }
    if ($null -ne $disk -and $disk.Size) { $facts.disk_gb = [Math]::Round($disk.Size / $script:GiB, 0) }
    $os = Get-ProvisiondTargetOs
    foreach ($k in $os.Keys) { if ($os[$k]) { $facts[$k] = $os[$k] } }
    Write-ProvisiondLog -Message ("facts ({0}): serial {1}, {2} {3}, {4} GB RAM" -f $Phase, $facts.serial, $make, $model, $facts.ram_gb)
    return $facts
}

<#
.SYNOPSIS
    UEFI or BIOS.
#>
function Get-ProvisiondFirmware {
    [CmdletBinding()]
    param()
    if (Test-ProvisiondWinPE) {
        $type = (Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control' -Name 'PEFirmwareType' -ErrorAction SilentlyContinue)
        if ($null -ne $type -and $type.PEFirmwareType -eq 2) { return 'UEFI' }
        return 'BIOS'
    }
    if ($env:firmware_type) { return [string]$env:firmware_type }
    return ''
}

<#
.SYNOPSIS
    The OS being installed: from Tanium's variables in WinPE, from Windows in the full OS.
#>
function Get-ProvisiondTargetOs {
    [CmdletBinding()]
    param()
    if (Test-ProvisiondWinPE) {
        return @{ os_name = (Get-ProvisiondOsdValue -Name 'OSName'); os_build = (Get-ProvisiondOsdValue -Name 'OSBuild') }
    }
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    return @{ os_name = [string]$os.Caption; os_version = [string]$os.Version; os_build = [string]$os.BuildNumber }
}

# --- Tanium OSD variables -------------------------------------------------------------------

<#
.SYNOPSIS
    A Tanium OSD variable (TaniumOSD's Get-OSDVariable), '' when unset or outside Tanium.
#>
function Get-ProvisiondOsdValue {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Name)
    if (-not (Get-Command -Name 'Get-OSDVariable' -ErrorAction SilentlyContinue)) { return '' }
    try { return [string](Get-OSDVariable -Name $Name) } catch { return '' }
}

<#
.SYNOPSIS
    Sets a Tanium OSD variable (TaniumOSD's Set-OSDVariable); says so when TaniumOSD is absent.
#>
function Set-ProvisiondOsdValue {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Name, [Parameter(Mandatory = $true)][AllowEmptyString()][string]$Value)
    if (-not (Get-Command -Name 'Set-OSDVariable' -ErrorAction SilentlyContinue)) {
        Write-ProvisiondLog -Level warning -Message "TaniumOSD not loaded: $Name not set"
        return
    }
    Set-OSDVariable -Name $Name -Value $Value
}

<#
.SYNOPSIS
    Tanium's cleaning of a computer name: [-a-zA-Z0-9] only, at most 15 characters, no '-' at an end.
#>
function ConvertTo-ProvisiondComputerName {
    [CmdletBinding()]
    param([AllowEmptyString()][string]$Name)
    $clean = $Name -replace '[^-a-zA-Z0-9]', ''
    if ($clean.Length -gt 15) { $clean = $clean.Substring(0, 15) }
    # NetBIOS: no leading or trailing '-' (a template with an empty part makes one).
    return $clean.Trim('-')
}

<#
.SYNOPSIS
    Writes the plan's name, time zone and tags (the type) where Tanium reads them.
#>
function Set-ProvisiondPlanVariables {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)]$Plan)
    $name = ConvertTo-ProvisiondComputerName -Name ([string]$Plan.computer_name)
    if ($name) { Set-ProvisiondOsdValue -Name 'ComputerName' -Value $name }
    if ($Plan.timezone.value) { Set-ProvisiondOsdValue -Name 'TimeZone' -Value ([string]$Plan.timezone.value) }
    $tags = @($Plan.tags)
    if ($tags.Count -gt 0) { Set-ProvisiondOsdValue -Name 'Tags' -Value ($tags -join ',') }
    Write-ProvisiondLog -Message ("name {0}, type {1}, time zone {2}" -f $name, $Plan.type.value, $Plan.timezone.value)
}

# --- sources: download, copy, extract, verify ----------------------------------------------

<#
.SYNOPSIS
    Expands %VAR% left for the endpoint: Tanium OSD variables first, then the environment.
#>
function Expand-ProvisiondVariables {
    [CmdletBinding()]
    param([AllowEmptyString()][string]$Text)
    $evaluator = [System.Text.RegularExpressions.MatchEvaluator] {
        param($m)
        $value = Get-ProvisiondOsdValue -Name $m.Groups[1].Value
        if ($value) { return $value }
        return [Environment]::ExpandEnvironmentVariables($m.Value)
    }
    return [regex]::Replace($Text, '%([A-Za-z_][A-Za-z0-9_]*)%', $evaluator)
}

<#
.SYNOPSIS
    The content-hub path of a URL served by provisiond ("Apps/VLC/vlc.msi"), or ''.
#>
function Get-ProvisiondHubPath {
    [CmdletBinding()]
    param([string]$Url)
    $rest = $script:Context.WsBase -replace '^[A-Za-z]+://', ''
    $m = [regex]::Match($Url, '^https?://' + [regex]::Escape($rest) + '/file/(?:raw/)?(?<path>.+)$')
    if ($m.Success) { return [Uri]::UnescapeDataString($m.Groups['path'].Value) }
    return ''
}

<#
.SYNOPSIS
    Downloads a URL to a file, resuming a partial download with a Range request.
#>
function Save-ProvisiondDownload {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Url, [Parameter(Mandatory = $true)][string]$Destination)
    $ErrorActionPreference = 'Stop'
    $partial = "$Destination.partial"
    for ($attempt = 1; $attempt -le 5; $attempt++) {
        $have = 0
        if (Test-Path -LiteralPath $partial) { $have = (Get-Item -LiteralPath $partial).Length }
        $request = [System.Net.HttpWebRequest][System.Net.WebRequest]::Create($Url)
        $request.UserAgent = 'provisiond-endpoint/' + $script:ModuleVersion
        if ($have -gt 0) { $request.AddRange([long]$have) }
        if ($Url.StartsWith('https://') -and (Get-ProvisiondHubPath -Url $Url)) {
            $request.ServerCertificateValidationCallback = { param($s, $c, $ch, $e) Test-ProvisiondCertificate -Certificate $c -SslPolicyErrors $e }
        }
        try {
            $response = [System.Net.HttpWebResponse]$request.GetResponse()
        } catch [System.Net.WebException] {
            $r = $_.Exception.Response
            if ($null -ne $r -and [int]$r.StatusCode -eq 416) { break }  # already complete
            Write-ProvisiondLog -Level warning -Message "download $Url (attempt $attempt): $($_.Exception.Message)"
            Start-Sleep -Seconds ([Math]::Min(60, [Math]::Pow(2, $attempt)))
            continue
        }
        try {
            $mode = [System.IO.FileMode]::Create
            if ([int]$response.StatusCode -eq 206) { $mode = [System.IO.FileMode]::Append }
            $out = New-Object System.IO.FileStream -ArgumentList $partial, $mode
            try { $response.GetResponseStream().CopyTo($out) } finally { $out.Dispose() }
            break
        } catch {
            Write-ProvisiondLog -Level warning -Message "download $Url interrupted: $($_.Exception.Message)"
        } finally {
            $response.Dispose()
        }
    }
    if (-not (Test-Path -LiteralPath $partial)) { throw "could not download $Url" }
    Move-Item -LiteralPath $partial -Destination $Destination -Force
}

<#
.SYNOPSIS
    Checks a file against the SHA-256 the content hub gives (202 + Retry-After while it hashes).
#>
function Test-ProvisiondHubDigest {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$HubPath, [Parameter(Mandatory = $true)][string]$File)
    for ($i = 0; $i -lt 30; $i++) {
        $answer = Invoke-ProvisiondRequest -Method GET -Path '/file/sha256/{path}' -PathValues @{ path = $HubPath } -Raw -AcceptStatus @(202)
        if ($answer.StatusCode -eq 200) {
            $expected = ($answer.Content -split '\s+')[0].ToLowerInvariant()
            $actual = (Get-FileHash -LiteralPath $File -Algorithm SHA256).Hash.ToLowerInvariant()
            if ($expected -ne $actual) { throw "SHA-256 of $File is $actual, the content hub says $expected" }
            return $true
        }
        $wait = 5
        if ($answer.Headers['Retry-After']) { $wait = [int]$answer.Headers['Retry-After'] }
        Start-Sleep -Seconds $wait
    }
    throw "the content hub is still hashing $HubPath"
}

<#
.SYNOPSIS
    Fetches a source (HTTPS URL, UNC path with %VAR%, local path under C:\provision\OtherFiles)
    into a folder and returns the fetched file or folder.
#>
function Get-ProvisiondSource {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)]$Item, [Parameter(Mandatory = $true)][string]$Into)
    $ErrorActionPreference = 'Stop'
    if (-not (Test-Path -LiteralPath $Into)) { New-Item -ItemType Directory -Path $Into -Force | Out-Null }
    $location = Expand-ProvisiondVariables -Text ([string]$Item.path)
    if (-not $location) { $location = Expand-ProvisiondVariables -Text ([string]$Item.url) }
    switch ([string]$Item.source_kind) {
        { $_ -in @('https', 'http', 'service-relative') } {
            $name = [Uri]::UnescapeDataString(([Uri]$location).Segments[-1])
            $file = Join-Path -Path $Into -ChildPath $name
            Save-ProvisiondDownload -Url $location -Destination $file
            $hub = Get-ProvisiondHubPath -Url $location
            if ($hub) { [void](Test-ProvisiondHubDigest -HubPath $hub -File $file) }
            return $file
        }
        default {
            if ($location -match '^[A-Za-z]:\\provision\\OtherFiles\\' -or $location -notmatch '^[A-Za-z]:\\|^\\\\') {
                $location = Join-Path -Path (Join-Path -Path $script:Context.WorkDir -ChildPath 'OtherFiles') -ChildPath ($location -replace '^[A-Za-z]:\\provision\\OtherFiles\\', '')
            }
            if (-not (Test-Path -LiteralPath $location)) { throw "source not found: $location" }
            $target = Join-Path -Path $Into -ChildPath (Split-Path -Path $location -Leaf)
            Copy-Item -LiteralPath $location -Destination $target -Recurse -Force
            return $target
        }
    }
}

<#
.SYNOPSIS
    Extracts a driver package by extension (.zip, .cab, .7z; .exe with its silent switches,
    .ps1 run) and returns the folder holding its .inf files.
#>
function Expand-ProvisiondPackage {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Package)
    $ErrorActionPreference = 'Stop'
    if ((Get-Item -LiteralPath $Package).PSIsContainer) { return $Package }
    $dir = $Package + '.d'
    New-Item -ItemType Directory -Path $dir -Force | Out-Null
    switch ([System.IO.Path]::GetExtension($Package).ToLowerInvariant()) {
        '.zip' { Expand-Archive -LiteralPath $Package -DestinationPath $dir -Force }
        '.cab' { Invoke-ProvisiondProcess -FilePath "$env:SystemRoot\System32\expand.exe" -Arguments @($Package, '-F:*', $dir) -SuccessCodes @(0) | Out-Null }
        '.7z' {
            $sevenZip = @("$env:ProgramFiles\7-Zip\7z.exe", (Join-Path -Path $script:Context.WorkDir -ChildPath 'OtherFiles\7z.exe')) | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
            if (-not $sevenZip) { throw "$Package is a .7z and no 7z.exe is present (put one in Other Files)" }
            Invoke-ProvisiondProcess -FilePath $sevenZip -Arguments @('x', '-y', "-o$dir", $Package) -SuccessCodes @(0) | Out-Null
        }
        '.exe' { Invoke-ProvisiondProcess -FilePath $Package -Arguments @('/s', "/e=$dir") -SuccessCodes @(0) | Out-Null }
        '.ps1' { & $Package -Destination $dir }
        default { throw "unknown driver package type: $Package (.zip .cab .7z .exe .ps1)" }
    }
    return $dir
}

<#
.SYNOPSIS
    Runs a program and waits; returns its exit code, throws when it is not a success code.
#>
function Invoke-ProvisiondProcess {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$FilePath, [string[]]$Arguments = @(), [int[]]$SuccessCodes = @(0), [string]$WorkingDirectory = '')
    $start = @{ FilePath = $FilePath; Wait = $true; PassThru = $true; NoNewWindow = $true }
    if ($Arguments.Count -gt 0) { $start.ArgumentList = $Arguments }
    if ($WorkingDirectory) { $start.WorkingDirectory = $WorkingDirectory }
    $process = Start-Process @start
    $code = [int]$process.ExitCode
    if ($SuccessCodes -notcontains $code) {
        throw (New-Object System.InvalidOperationException -ArgumentList ("{0} exited with {1}" -f $FilePath, $code))
    }
    return $code
}

<#
.SYNOPSIS
    Installs the drivers of a folder: pnputil in the full OS, DISM into the applied image in WinPE.
#>
function Install-ProvisiondDriverFolder {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Folder)
    if (Test-ProvisiondWinPE) {
        $image = Get-ProvisiondOsdValue -Name 'OSDrive'
        if (-not $image) { $image = 'C:\' }
        return (Invoke-ProvisiondProcess -FilePath 'dism.exe' -Arguments @("/Image:`"$image`"", '/Add-Driver', "/Driver:`"$Folder`"", '/Recurse') -SuccessCodes @(0))
    }
    # 3010: installed, a reboot completes it; 259: nothing newer to install.
    return (Invoke-ProvisiondProcess -FilePath "$env:SystemRoot\System32\pnputil.exe" -Arguments @('/add-driver', "`"$Folder\*.inf`"", '/subdirs', '/install') -SuccessCodes @(0, 259, 3010))
}

<#
.SYNOPSIS
    Extracts the Other Files archives (Customer*.zip, and the original's C:\_T\provision*.zip)
    into <work>\OtherFiles, where local sources of apps and drivers resolve.
#>
function Expand-ProvisiondOtherFiles {
    [CmdletBinding()]
    param([string[]]$From = @('C:\_T'))
    $target = Join-Path -Path $script:Context.WorkDir -ChildPath 'OtherFiles'
    if (-not (Test-Path -LiteralPath $target)) { New-Item -ItemType Directory -Path $target -Force | Out-Null }
    $count = 0
    foreach ($dir in $From) {
        if (-not (Test-Path -LiteralPath $dir)) { continue }
        $archives = @(Get-ChildItem -LiteralPath $dir -Filter '*.zip' | Where-Object { $_.Name -like 'Customer*.zip' -or $_.Name -like 'provision*.zip' })
        foreach ($a in $archives) {
            Expand-Archive -LiteralPath $a.FullName -DestinationPath $target -Force
            $count++
        }
    }
    return $count
}

# --- screens --------------------------------------------------------------------------------

<#
.SYNOPSIS
    True when WinForms can be loaded (WinPE with .NET, or the full OS).
#>
function Test-ProvisiondWinForms {
    [CmdletBinding()]
    param()
    try {
        Add-Type -AssemblyName System.Windows.Forms
        Add-Type -AssemblyName System.Drawing
        return $true
    } catch {
        return $false
    }
}

<#
.SYNOPSIS
    Asks a person to confirm an unknown device (name, type, country) full screen, while the
    plan is polled: a helpdesk person confirming it in the web UI closes the screen.
.OUTPUTS
    The confirmation body, or $null when the device was confirmed elsewhere.
#>
function Read-ProvisiondConfirmation {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)]$Plan, [Parameter(Mandatory = $true)][hashtable]$Facts, [int]$PollSeconds = 10)
    if (Test-ProvisiondWinForms) { return (Show-ProvisiondConfirmationForm -Plan $Plan -Facts $Facts -PollSeconds $PollSeconds) }
    return (Read-ProvisiondConfirmationConsole -Plan $Plan -Facts $Facts -PollSeconds $PollSeconds)
}

<#
.SYNOPSIS
    True once the device no longer needs confirmation (confirmed from the web UI).
#>
function Test-ProvisiondConfirmed {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][hashtable]$Facts)
    try {
        $plan = Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/plan' -Body $Facts -Attempts 1
        return (-not $plan.needs_confirmation)
    } catch {
        return $false
    }
}

<#
.SYNOPSIS
    The WinForms confirmation screen: topmost, full screen, closes by itself when the device is
    confirmed from the web UI.
#>
function Show-ProvisiondConfirmationForm {
    [CmdletBinding()]
    param($Plan, [hashtable]$Facts, [int]$PollSeconds)
    $form = New-Object System.Windows.Forms.Form
    $form.Text = 'provisiond'
    $form.FormBorderStyle = [System.Windows.Forms.FormBorderStyle]::None
    $form.WindowState = [System.Windows.Forms.FormWindowState]::Maximized
    $form.TopMost = $true
    $form.BackColor = [System.Drawing.Color]::FromArgb(0, 51, 102)
    $form.ForeColor = [System.Drawing.Color]::White
    $font = New-Object System.Drawing.Font -ArgumentList 'Segoe UI', 14
    $form.Font = $font
    $panel = New-Object System.Windows.Forms.TableLayoutPanel
    $panel.ColumnCount = 2
    $panel.AutoSize = $true
    $panel.Anchor = [System.Windows.Forms.AnchorStyles]::None
    $panel.Location = New-Object System.Drawing.Point -ArgumentList 80, 80
    $title = New-Object System.Windows.Forms.Label
    $title.Text = "Unknown device - serial $($Facts.serial), $($Facts.make) $($Facts.model)"
    $title.AutoSize = $true
    $title.Font = New-Object System.Drawing.Font -ArgumentList 'Segoe UI', 20
    $panel.Controls.Add($title, 0, 0)
    $panel.SetColumnSpan($title, 2)
    $nameBox = New-Object System.Windows.Forms.TextBox
    $nameBox.Width = 300
    $nameBox.MaxLength = 15
    if ($Plan.choices.suggested_name) { $nameBox.Text = [string]$Plan.choices.suggested_name }
    $typeBox = New-Object System.Windows.Forms.ComboBox
    $typeBox.DropDownStyle = [System.Windows.Forms.ComboBoxStyle]::DropDownList
    $typeBox.Width = 300
    foreach ($t in @($Plan.choices.types)) { [void]$typeBox.Items.Add([string]$t.name) }
    if ($typeBox.Items.Count -gt 0) { $typeBox.SelectedIndex = 0 }
    $countryBox = New-Object System.Windows.Forms.ComboBox
    $countryBox.DropDownStyle = [System.Windows.Forms.ComboBoxStyle]::DropDownList
    $countryBox.Width = 300
    [void]$countryBox.Items.Add('')
    foreach ($c in @($Plan.choices.countries)) { [void]$countryBox.Items.Add([string]$c) }
    $row = 1
    foreach ($pair in @(@('Computer name (15 characters: A-Z 0-9 -)', $nameBox), @('Deployment type', $typeBox), @('Country', $countryBox))) {
        $label = New-Object System.Windows.Forms.Label
        $label.Text = $pair[0]
        $label.AutoSize = $true
        $panel.Controls.Add($label, 0, $row)
        $panel.Controls.Add($pair[1], 1, $row)
        $row++
    }
    $status = New-Object System.Windows.Forms.Label
    $status.AutoSize = $true
    $status.Text = 'Waiting for a person here, or for the helpdesk to confirm this device in provisiond.'
    $ok = New-Object System.Windows.Forms.Button
    $ok.Text = 'Confirm'
    $ok.AutoSize = $true
    $ok.BackColor = [System.Drawing.Color]::White
    $ok.ForeColor = [System.Drawing.Color]::Black
    $panel.Controls.Add($ok, 1, $row)
    $panel.Controls.Add($status, 0, $row + 1)
    $panel.SetColumnSpan($status, 2)
    $form.Controls.Add($panel)
    $result = @{ Body = $null }
    $ok.Add_Click({
            $name = ConvertTo-ProvisiondComputerName -Name $nameBox.Text
            if (-not $name -or -not $typeBox.SelectedItem) {
                $status.Text = 'A name and a type are needed.'
                return
            }
            $result.Body = @{ serial = $Facts.serial; name = $name; type = [string]$typeBox.SelectedItem }
            if ($countryBox.SelectedItem) { $result.Body.country = [string]$countryBox.SelectedItem }
            $form.Close()
        })
    $timer = New-Object System.Windows.Forms.Timer
    $timer.Interval = $PollSeconds * 1000
    $timer.Add_Tick({
            if (Test-ProvisiondConfirmed -Facts $Facts) {
                $status.Text = 'Confirmed in provisiond.'
                $form.Close()
            }
        })
    $timer.Start()
    try {
        [void]$form.ShowDialog()
    } finally {
        $timer.Stop()
        $timer.Dispose()
        $form.Dispose()
    }
    return $result.Body
}

<#
.SYNOPSIS
    The console confirmation (no WinForms): polls the plan until a key is pressed, then asks.
#>
function Read-ProvisiondConfirmationConsole {
    [CmdletBinding()]
    param($Plan, [hashtable]$Facts, [int]$PollSeconds)
    Write-Host ''
    Write-Host "Unknown device: serial $($Facts.serial), $($Facts.make) $($Facts.model)"
    Write-Host 'Press Enter to name it here, or wait for the helpdesk to confirm it in provisiond.'
    $waited = 0
    while (-not [Console]::KeyAvailable) {
        Start-Sleep -Seconds 1
        $waited++
        if ($waited % $PollSeconds -eq 0 -and (Test-ProvisiondConfirmed -Facts $Facts)) { return $null }
    }
    [void][Console]::ReadKey($true)
    $types = @($Plan.choices.types | ForEach-Object { [string]$_.name })
    do {
        $name = ConvertTo-ProvisiondComputerName -Name (Read-Host -Prompt "Computer name [$($Plan.choices.suggested_name)]")
        if (-not $name) { $name = [string]$Plan.choices.suggested_name }
    } while (-not $name)
    do { $type = Read-Host -Prompt ('Type ({0})' -f ($types -join ', ')) } while ($types -notcontains $type)
    $country = Read-Host -Prompt 'Country (empty: none)'
    $body = @{ serial = $Facts.serial; name = $name; type = $type }
    if ($country) { $body.country = $country }
    return $body
}

<#
.SYNOPSIS
    Shows the final result full screen (green success or red error, its message and the
    deployment id) until a click or the timeout.
#>
function Show-ProvisiondResult {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][bool]$Succeeded, [string]$Message, [string]$DeploymentId, [int]$Seconds = 60)
    $headline = 'Provisioning failed'
    if ($Succeeded) { $headline = 'Provisioning complete' }
    if (-not (Test-ProvisiondWinForms)) {
        Write-Host ("==== {0} ====`n{1}`ndeployment {2}" -f $headline, $Message, $DeploymentId)
        return
    }
    $form = New-Object System.Windows.Forms.Form
    $form.FormBorderStyle = [System.Windows.Forms.FormBorderStyle]::None
    $form.WindowState = [System.Windows.Forms.FormWindowState]::Maximized
    $form.TopMost = $true
    $form.BackColor = [System.Drawing.Color]::FromArgb(170, 30, 30)
    if ($Succeeded) { $form.BackColor = [System.Drawing.Color]::FromArgb(20, 110, 50) }
    $label = New-Object System.Windows.Forms.Label
    $label.Dock = [System.Windows.Forms.DockStyle]::Fill
    $label.TextAlign = [System.Drawing.ContentAlignment]::MiddleCenter
    $label.ForeColor = [System.Drawing.Color]::White
    $label.Font = New-Object System.Drawing.Font -ArgumentList 'Segoe UI', 24
    $label.Text = "$headline`n`n$Message`n`ndeployment $DeploymentId`n`n(click to close)"
    $label.Add_Click({ $form.Close() })
    $form.Controls.Add($label)
    $timer = New-Object System.Windows.Forms.Timer
    $timer.Interval = [Math]::Max(1, $Seconds) * 1000
    $timer.Add_Tick({ $form.Close() })
    $timer.Start()
    try { [void]$form.ShowDialog() } finally { $timer.Dispose(); $form.Dispose() }
}

# --- the hook frame -------------------------------------------------------------------------

<#
.SYNOPSIS
    Reads the server's endpoint settings (Server_ReportingTLSMode, ...) and keeps them in the
    transport state for the next hook and the next boot.
#>
function Update-ProvisiondSettings {
    [CmdletBinding()]
    param()
    $ErrorActionPreference = 'Stop'
    $answer = Invoke-ProvisiondRequest -Method GET -Path '/api/v1/endpoint/settings'
    foreach ($p in $answer.server_variables.PSObject.Properties) { $script:Context.Settings[$p.Name] = $p.Value }
    Save-ProvisiondTransportState -State (Get-ProvisiondTransportState)
}

<#
.SYNOPSIS
    Writes the original launchers' hand-off (config.json with wsBase), keeping local values.
#>
function Save-ProvisiondLocalConfig {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][string]$Folder)
    $path = Join-Path -Path $Folder -ChildPath 'config.json'
    $config = [ordered]@{}
    $local = Read-ProvisiondJson -Path $path
    if ($null -ne $local) { foreach ($p in $local.PSObject.Properties) { $config[$p.Name] = $p.Value } }
    $config['wsBase'] = $script:Context.WsBase
    Save-ProvisiondJson -Path $path -Value $config
}

<#
.SYNOPSIS
    Runs one hook's body with the context, the transcript, the trust and the settings set up;
    an error is reported (event, log) and returned, never thrown into Tanium's script.
.OUTPUTS
    @{ Provisiond = $true; Outcome = 'ok'|'error'|'reboot'; RebootAndRerun; Message }
#>
function Invoke-ProvisiondHook {
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)][hashtable]$Context, [Parameter(Mandatory = $true)][scriptblock]$Body, [string]$Phase = 'provision')
    Initialize-ProvisiondContext -Context $Context
    Start-ProvisiondTranscript -Hook $Context.Hook
    $result = @{ Provisiond = $true; Outcome = 'ok'; RebootAndRerun = $false; Message = '' }
    try {
        Write-ProvisiondLog -Message ("{0} {1} ({2}), service {3}" -f $Context.Hook, $script:ModuleVersion, '{{ScriptSource}}', $script:Context.WsBase)
        Initialize-ProvisiondTrust
        Update-ProvisiondSettings
        # The body's last hashtable is its answer; anything else it emits is ignored.
        $answer = @(& $Body) | Where-Object { $_ -is [hashtable] } | Select-Object -Last 1
        if ($null -ne $answer) { foreach ($k in $answer.Keys) { $result[$k] = $answer[$k] } }
    } catch {
        $result.Outcome = 'error'
        $result.Message = $_.Exception.Message
        Write-ProvisiondLog -Level error -Message ("{0}: {1}" -f $Context.Hook, $_.Exception.Message)
        try { Send-ProvisiondEvent -Phase $Phase -Level error -Message ("{0}: {1}" -f $Context.Hook, $_.Exception.Message) } catch { Write-ProvisiondLog -Level error -Message 'the error could not be queued' }
    } finally {
        Stop-ProvisiondTranscript
    }
    return $result
}

Export-ModuleMember -Function *-Provisiond*
