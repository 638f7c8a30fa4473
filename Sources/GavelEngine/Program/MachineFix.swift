import GavelCore

/// A rule's machine fix (`fix:` in the policy language): what to change in the configuration
/// file the failing evidence came from, as data, so `gavel fix` can write it as a patch and
/// prove it before anyone applies it. A rule's fix is one action or a list of them.
public enum MachineFix: Sendable, Equatable {
    /// Set a PHP directive (`key = value`) where the effective value came from: the php.ini
    /// or conf.d line, or the FPM pool's `php_value`/`php_admin_value` line the snapshot's
    /// provenance names; appended to the main php.ini when nothing sets it.
    case ini(key: String, value: String)
    /// Set an sshd_config keyword (`Keyword value`) on the line the hosting snapshot's
    /// provenance names (sshd takes the first value it reads), or at the top of
    /// /etc/ssh/sshd_config when nothing sets it.
    case sshd(key: String, value: String)
    /// Set an nginx directive (`directive value;`) in every block the failing evidence names:
    /// on the line that sets it for that block (provenance: the block's own line, or the
    /// enclosing server's or http's it inherits), else added at the top of the block.
    case nginx(directive: String, value: String)
    /// Send a response header (`add_header Name "value" [always];`) from every block the
    /// failing evidence names, minding add_header's inheritance: the line that sends it with
    /// another value is replaced; a block whose headers come from an enclosing block gets it
    /// there (so the block keeps the others it inherits); a block with its own add_header
    /// lines gets it beside them.
    case nginxHeader(name: String, value: String, always: Bool)
    /// Remove the line that sets an nginx directive for the blocks the failing evidence names
    /// (`access_log off;`), so the block inherits again.
    case nginxRemove(directive: String)
    /// Define a PHP constant in wp-config.php (`define( 'NAME', value );`): the define that
    /// sets it is replaced, else one is added before wp-settings.php is loaded.
    case wpDefine(name: String, value: Value)
    /// Lock a Magento configuration path (`admin/security/session_lifetime`) at the default
    /// scope in app/etc/env.php (`'system' => ['default' => [...]]`, what
    /// `bin/magento config:set --lock-env` writes): env.php overrides the database and
    /// config.php, and the admin shows the setting as locked.
    case magentoConfig(path: String, value: Value)

    /// The action names, for `gavel check`'s messages.
    public static let actions = ["ini", "sshd", "nginx", "nginx_header", "nginx_remove", "wp_define", "magento_config"]

    /// The snapshot kind the action edits the files of.
    public var kind: String {
        switch self {
        case .ini: return "php"
        case .sshd: return "hosting"
        case .nginx, .nginxHeader, .nginxRemove: return "nginx"
        case .wpDefine: return "wordpress"
        case .magentoConfig: return "magento"
        }
    }

    /// The action in words, for `gavel explain`.
    public var summary: String {
        switch self {
        case .ini(let k, let v): return "set \(k) = \(v) where its value comes from (php.ini, conf.d or the FPM pool), else in php.ini"
        case .sshd(let k, let v): return "set \(k) \(v) on the sshd_config line that sets it, else first in /etc/ssh/sshd_config"
        case .nginx(let d, let v): return "set \(d) \(v); for each failing nginx block, on the line that sets it, else at the top of the block"
        case .nginxHeader(let n, let v, let always):
            let value = v.contains(where: { " \t;".contains($0) }) ? "\"\(v)\"" : v
            return "send add_header \(n) \(value)\(always ? " always" : ""); from each failing nginx block, added where its headers come from"
        case .nginxRemove(let d): return "remove the \(d) line that applies to each failing nginx block"
        case .wpDefine(let n, let v): return "define( '\(n)', \(Self.phpLiteral(v)) ); in wp-config.php"
        case .magentoConfig(let p, let v): return "lock \(p) = \(Self.phpLiteral(v)) at the default scope in app/etc/env.php"
        }
    }

    /// The PHP literal of a constant's value: `true`, `false`, an integer, or a single-quoted
    /// string.
    public static func phpLiteral(_ v: Value) -> String {
        switch v {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        default: return "null"
        }
    }
}
