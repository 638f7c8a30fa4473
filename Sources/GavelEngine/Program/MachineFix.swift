import GavelCore

/// A rule's machine fix (`fix:` in the policy language): what to change in the configuration
/// file the failing evidence came from, as data, so `gavel fix` can write it as a patch and
/// prove it before anyone applies it. One action per rule.
public enum MachineFix: Sendable, Equatable {
    /// Set a PHP directive (`key = value`) where the effective value came from: the php.ini
    /// or conf.d line, or the FPM pool's `php_value`/`php_admin_value` line the snapshot's
    /// provenance names; appended to the main php.ini when nothing sets it.
    case ini(key: String, value: String)
    /// Set an sshd_config keyword (`Keyword value`) on the line the hosting snapshot's
    /// provenance names (sshd takes the first value it reads), or at the top of
    /// /etc/ssh/sshd_config when nothing sets it.
    case sshd(key: String, value: String)

    /// The action names, for `gavel check`'s messages.
    public static let actions = ["ini", "sshd"]

    /// The snapshot kind the action edits the files of.
    public var kind: String {
        switch self {
        case .ini: return "php"
        case .sshd: return "hosting"
        }
    }
}
