/// Decides whether a configuration value is a secret: by the name it is set under (a
/// password, a token, an API key) or by its own shape (credentials in a URL, an
/// `Authorization` header value, a well-known token prefix). One classifier for every
/// collector, applied to every snapshot before it is written (`SecretRedaction`).
///
/// It errs towards calling a value secret: a false alarm costs a rule the raw value (it
/// still sees whether the value is set, its length, and whether it is a placeholder), a
/// miss puts a credential into snapshots, evidence, reports and SARIF uploads.
public enum SecretClassifier {
    /// Name words that make the value a secret on their own.
    static let secretWords: Set<String> = [
        "password", "passwd", "pwd", "pw", "pass", "passphrase", "passcode", "secret", "secrets",
        "token", "tokens", "credential", "credentials", "auth", "authorization", "dsn",
        "apikey", "apitoken", "accesskey", "secretkey", "privatekey", "clientsecret", "salt", "nonce",
        // Redis: the default user's password, and a replica's password for its primary.
        "requirepass", "masterauth",
    ]
    /// Words that make `key` a credential (`api_key`, `SECRET_KEY`, `crypt/key`, `AUTH_KEY`).
    static let keyQualifiers: Set<String> = [
        "api", "secret", "private", "access", "auth", "crypt", "encryption", "signing", "sign", "client",
        "master", "app", "license", "licence", "session", "hmac", "nonce", "logged", "secure", "stripe",
        "webhook", "consumer", "shared", "aws", "recaptcha", "smtp", "mail", "oauth",
    ]
    /// Words that say the value names a file, a place or something public, not a secret itself
    /// (`ssl_certificate_key /etc/ssl/x.key`, `auth_basic_user_file`, `public_key`).
    static let notSecretWords: Set<String> = [
        "public", "pub", "publishable", "url", "type", "length", "lifetime", "timeout", "expire", "expires", "ttl", "name", "id", "header", "enabled", "mode",
        "size",
    ]
    /// Words that say the value is where a secret is kept: not secret when it is a path.
    static let placeWords: Set<String> = ["file", "path", "dir", "directory", "location"]

    /// Why the value set under `name` is a secret, or nil. `name` is the last part of where the
    /// value is set: an ini directive, a constant, an environment variable, a header or
    /// parameter name, a config path's last segment.
    public static func reason(name: String?, value: String, extraWords: Set<String> = []) -> String? {
        if let r = valueReason(value) { return r }
        guard let name, !value.isEmpty, !isSwitch(value) else { return nil }
        return nameReason(name, value: value, extraWords: extraWords)
    }

    /// The words of a name: split at anything not a letter or digit, and where a lower-case
    /// letter meets an upper-case one (`clientSecret`), lower-cased.
    static func words(_ name: String) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        var previousLower = false
        for b in name.utf8 {
            let isUpper = b >= 65 && b <= 90, isLower = b >= 97 && b <= 122, isDigit = b >= 48 && b <= 57
            if !(isUpper || isLower || isDigit) {
                if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)); current = [] }
                previousLower = false
                continue
            }
            if isUpper && previousLower, !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)); current = [] }
            current.append(isUpper ? b + 32 : b)
            previousLower = isLower || isDigit
        }
        if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
        return out
    }

    /// `extraWords`: more name words the user says make a value secret (`collect file --secret-key`).
    static func nameReason(_ name: String, value: String, extraWords: Set<String> = []) -> String? {
        let w = words(name)
        guard !w.isEmpty else { return nil }
        if let hit = w.first(where: extraWords.contains) ?? (extraWords.contains(name.lowercased()) ? name.lowercased() : nil) {
            return "its name says it is a secret (\(hit), a word given with --secret-key)"
        }
        // nginx's `fastcgi_pass`, `proxy_pass_header` and the like name an upstream, not a password.
        if w.count >= 2, w[1] == "pass", upstreamModules.contains(w[0]) { return nil }
        // A name about a secret's size, lifetime, kind or visibility holds that, not the secret;
        // one about its file holds a path.
        if w.contains(where: notSecretWords.contains) { return nil }
        if looksLikePath(value) || w.contains(where: placeWords.contains) && !value.contains(" ") && value.contains("/") { return nil }
        if let hit = w.first(where: secretWords.contains) { return "its name says it is a secret (\(hit))" }
        if let i = w.firstIndex(of: "key") {
            if w.count == 1 { return "its name says it is a key" }
            if let q = w.first(where: keyQualifiers.contains) { return "its name says it is a credential (\(q) key)" }
            // WordPress's AUTH_KEY-style names and Magento's crypt/key: a key after a qualifier.
            if i > 0, keyQualifiers.contains(w[i - 1]) { return "its name says it is a credential (\(w[i - 1]) key)" }
        }
        if w.contains("private") { return "its name says it is private" }
        // Licence keys and numbers (UPS's access_license_number) are credentials too.
        if w.contains(where: { $0 == "license" || $0 == "licence" }), w.contains(where: { ["key", "number", "code", "access"].contains($0) }) {
            return "its name says it is a licence credential"
        }
        return nil
    }

    /// `on`, `off`, `yes`, `no`, `true`, `false`, `0`, `1`: a setting's switch (`auth_basic off`,
    /// `session.auth = 1`), never a credential worth hiding, and what rules read.
    static func isSwitch(_ v: String) -> Bool {
        ["on", "off", "yes", "no", "true", "false", "0", "1"].contains(v.lowercased())
    }

    static let upstreamModules: Set<String> = ["proxy", "fastcgi", "uwsgi", "scgi", "grpc", "memcached"]

    static func looksLikePath(_ v: String) -> Bool {
        (v.hasPrefix("/") || v.hasPrefix("./") || v.hasPrefix("../")) && !v.contains(" ") && !v.contains("://")
    }

    /// Schemes of `Authorization` (and `Proxy-Authorization`) header values.
    static let authSchemes = ["basic ", "bearer ", "digest ", "token ", "negotiate ", "ntlm ", "aws4-hmac-sha256 ", "hawk "]
    /// Prefixes of well-known API tokens and keys.
    static let tokenPrefixes = [
        "sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_", "shpat_", "shpss_", "shpca_", "shppa_",
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-",
        "sq0atp-", "sq0csp-", "EAACEdEose0cBA", "AIza", "ya29.", "SG.", "npm_", "pypi-", "dop_v1_", "hf_",
    ]
    /// URL query parameters that carry credentials (`redis://h:6379?auth=...`).
    static let secretParameters: Set<String> = [
        "auth", "password", "pass", "passwd", "pwd", "token", "secret", "key", "apikey", "api_key", "access_token",
        "client_secret", "sig", "signature", "x-amz-signature", "x-amz-credential", "sharedaccesssignature",
    ]

    /// Why the value's own text is a secret, whatever it is called.
    static func valueReason(_ v: String) -> String? {
        let lower = v.lowercased()
        if lower.contains("-----begin") && lower.contains("private key") { return "it holds a private key" }
        if let s = authSchemes.first(where: { lower.hasPrefix($0) }) {
            // A credential follows: one word of 8 or more token characters (`Basic dXNl...`),
            // or the signed fields of Digest and AWS (`response=`, `Signature=`).
            let rest = v.dropFirst(s.count)
            let oneToken = rest.count >= 8 && rest.utf8.allSatisfy { isAlnum($0) || "-._~+/=".utf8.contains($0) }
            if oneToken || lower.contains("response=") || lower.contains("signature=") {
                return "it is an Authorization header value (\(s.trimmingCharacters(in: .whitespaces)))"
            }
        }
        for p in tokenPrefixes where v.hasPrefix(p) && v.count >= p.count + 8 {
            return "it has the form of an API token (\(p)...)"
        }
        if let r = awsKeyID(v) { return r }
        if isJWT(v) { return "it is a JSON Web Token" }
        if redactedACL(v) != nil { return "it is a Redis ACL rule with a password (>... or #...)" }
        if let r = urlReason(v) { return r }
        return nil
    }

    /// AWS access key ids: AKIA/ASIA and 16 upper-case letters or digits.
    static func awsKeyID(_ v: String) -> String? {
        let b = Array(v.utf8)
        guard b.count >= 20 else { return nil }
        for i in 0...(b.count - 20) {
            guard b[i] == 65, b[i + 2] == 73, b[i + 3] == 65, b[i + 1] == 75 || b[i + 1] == 83 else { continue }  // AKIA, ASIA
            let rest = b[(i + 4)..<(i + 20)]
            if rest.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }) && (i + 20 == b.count || !isAlnum(b[i + 20]))
                && (i == 0 || !isAlnum(b[i - 1]))
            {
                return "it holds an AWS access key id"
            }
        }
        return nil
    }

    /// A Redis ACL rule (`user alice on >s3cret ~app:* +@read`, or its value after `user`)
    /// with its passwords (`>clear`, `#sha256hex`) replaced by `***`; nil when it holds none.
    /// The rest (on/off, key patterns, commands) stays readable for rules.
    public static func redactedACL(_ v: String) -> String? {
        let tokens = v.split(separator: " ", omittingEmptySubsequences: false)
        let isRule = tokens.contains {
            $0 == "on" || $0 == "off" || $0.hasPrefix("~") || $0.hasPrefix("+") || $0.hasPrefix("&") || $0 == "nopass" || $0 == "resetpass"
        }
        let isPassword = { (t: Substring) in
            (t.hasPrefix(">") || t.hasPrefix("<")) && t.count > 1 || t.hasPrefix("#") && t.count == 65 || t.hasPrefix("!") && t.count == 65
        }
        guard isRule, tokens.contains(where: isPassword) else { return nil }
        return tokens.map { isPassword($0) ? String($0.prefix(1)) + "***" : String($0) }.joined(separator: " ")
    }

    static func isAlnum(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }

    static func isJWT(_ v: String) -> Bool {
        guard v.hasPrefix("eyJ") else { return false }
        let parts = v.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[1].hasPrefix("eyJ") && parts.allSatisfy { $0.utf8.allSatisfy { isAlnum($0) || $0 == 45 || $0 == 95 || $0 == 61 } }
    }

    /// Credentials inside a URL anywhere in the value: `scheme://user:password@host`, or a
    /// query parameter named like a credential (`?auth=...`, `&password=...`).
    static func urlReason(_ v: String) -> String? {
        guard v.contains("://") || v.contains("?") || v.contains("=") else { return nil }
        if let userinfo = userinfoRange(v) {
            let info = v[userinfo]
            return info.contains(":") ? "it is a URL with a password in it" : "it is a URL with a user name or token in it"
        }
        if let p = secretParameter(v) { return "it is a URL with a credential in it (\(p)=)" }
        return nil
    }

    /// The `user:password` part of the first `scheme://user:password@host` in `v`.
    static func userinfoRange(_ v: String) -> Range<String.Index>? {
        var search = v.startIndex
        while let sep = v.range(of: "://", range: search..<v.endIndex) {
            let start = sep.upperBound
            let end = v[start...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == " " || $0 == "\"" || $0 == "'" }) ?? v.endIndex
            if let at = v[start..<end].lastIndex(of: "@"), at > start { return start..<at }
            search = start
        }
        return nil
    }

    /// The name of the first credential-like query parameter in `v`.
    static func secretParameter(_ v: String) -> String? {
        for piece in v.split(whereSeparator: { $0 == "?" || $0 == "&" || $0 == ";" || $0 == " " }) {
            guard let eq = piece.firstIndex(of: "="), eq > piece.startIndex else { continue }
            let name = piece[..<eq].lowercased()
            let value = piece[piece.index(after: eq)...]
            if !value.isEmpty, secretParameters.contains(name) { return name }
        }
        return nil
    }

    /// The value with the credentials in its URLs replaced by `***` (what a rule may still
    /// read: the scheme, host, port and path), or nil when it has none to replace.
    static func redactedURL(_ v: String) -> String? {
        var out = v
        var changed = false
        if let r = userinfoRange(out) { out.replaceSubrange(r, with: "***"); changed = true }
        var pieces: [String] = []
        var current = ""
        for ch in out {
            if "?&; ".contains(ch) { pieces.append(current); pieces.append(String(ch)); current = "" } else { current.append(ch) }
        }
        pieces.append(current)
        for (i, piece) in pieces.enumerated() {
            guard let eq = piece.firstIndex(of: "="), eq > piece.startIndex, secretParameters.contains(piece[..<eq].lowercased()),
                piece.index(after: eq) < piece.endIndex
            else { continue }
            pieces[i] = String(piece[...eq]) + "***"
            changed = true
        }
        return changed ? pieces.joined() : nil
    }

    /// Values that are defaults or placeholders, not real secrets: a rule can require that a
    /// secret is not one (`placeholder` is false) without Gavel ever recording the value.
    static let placeholders: Set<String> = [
        "", "password", "passwd", "secret", "changeme", "change_me", "change-me", "changethis", "default", "admin",
        "root", "test", "example", "xxx", "xxxx", "123456", "12345678", "1234", "toor", "letmein", "qwerty",
        "put your unique phrase here", "your-secret-key", "your_secret_key", "secretkey", "mysecret", "null", "none",
        "foobared",  // redis.conf's example requirepass
    ]

    public static func isPlaceholder(_ v: String) -> Bool {
        placeholders.contains(v.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
