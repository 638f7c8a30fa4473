import GavelCore

/// The formats `gavel collect file` reads. See docs/snapshots/README.md#collect-file for what
/// each becomes in `data`.
public enum ConfigFormat: String, CaseIterable, Sendable {
    /// JSON, parsed by jansson; the top level must be an object (anything else is put under `value`).
    case json
    /// YAML, parsed by libyaml (one document; anchors, aliases and tags are refused).
    case yaml
    /// INI: `[section]`s of `key = value` (or `key: value`); MySQL/MariaDB option files
    /// (`!include`, `!includedir`, bare flags) and Python configparser files (fail2ban:
    /// indented continuation lines). A key given twice in a section: the last one.
    case ini
    /// `key value` or `key = value` lines (redis.conf, Postfix main.cf, sshd_config): a key
    /// given more than once becomes a list; an indented line continues the previous one.
    case keyvalue
    /// `.env` files: `KEY=value`, `export KEY=value`, quoted values, `# comments`.
    case env
}

/// One setting of a line-based file: where it is, its section (INI), key and value.
struct ConfigEntry {
    var section: String?
    var key: String
    var value: Value
    var file: String
    var line: Int
}
