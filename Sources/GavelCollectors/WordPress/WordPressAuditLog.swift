import GavelCore

/// Which activity/audit-log plugin is active and how long it keeps events, from the options
/// each plugin stores its retention in. A month counts as 30 days and a year as 365.
enum WordPressAuditLog {
    /// Audit-log plugins by wordpress.org slug.
    static let slugs = ["wp-security-audit-log", "stream", "simple-history", "aryo-activity-log"]

    static func summary(activeSlugs: [String], options: Value) -> Value {
        let active = slugs.filter(activeSlugs.contains)
        var forever = false
        var days: Int?
        var from: [String] = []
        func keep(_ d: Int, _ why: String) {
            days = max(days ?? 0, d)
            from.append(why)
        }
        for slug in active {
            switch slug {
            case "wp-security-audit-log":
                // WP Activity Log prunes only when `wsal_pruning-date-e` is on (off by default).
                if truthy(options["wsal_pruning-date-e"]) {
                    let period = options["wsal_pruning-date"].map(text) ?? ""
                    let unit = options["wsal_pruning-unit"].map(text) ?? "months"
                    if let d = periodDays(period, defaultUnit: unit) {
                        keep(d, "wsal_pruning-date \(period)")
                    } else {
                        from.append("wsal_pruning-date '\(period)' not understood")
                    }
                } else {
                    forever = true
                    from.append("wsal_pruning-date-e off: never pruned")
                }
            case "stream":
                let settings = options["wp_stream"]
                if truthy(settings?["general_keep_records_indefinitely"]) {
                    forever = true
                    from.append("wp_stream general_keep_records_indefinitely")
                } else if let ttl = settings?["general_records_ttl"], let d = Int(text(ttl)) {
                    keep(d, "wp_stream general_records_ttl \(d)")
                } else {
                    keep(30, "Stream's default of 30 days")
                }
            case "simple-history":
                // Set only in code (the simple_history/db_purge_days_interval filter).
                keep(60, "Simple History's default of 60 days")
            default:
                from.append("\(slug): retention not read")
            }
        }
        return .object([
            ("plugins", .array(active.map { .string($0) })), ("keeps_forever", .bool(forever)),
            ("retention_days", days.map { .integer($0) } ?? .null), ("retention_from", .array(from.map { .string($0) })),
        ])
    }

    static func text(_ v: Value) -> String {
        switch v {
        case .string(let s): return s.trimmingCharacters(in: .whitespaces)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "1" : "0"
        default: return ""
        }
    }

    static func truthy(_ v: Value?) -> Bool {
        guard let v else { return false }
        return ["1", "yes", "on", "true"].contains(text(v).lowercased())
    }

    /// "6 months", "90", "1 year" (with the unit option when the period has none) in days.
    static func periodDays(_ period: String, defaultUnit: String) -> Int? {
        let parts = period.lowercased().split(separator: " ")
        guard let first = parts.first, let n = Int(first), n >= 0 else { return nil }
        let unit = parts.count > 1 ? String(parts[1]) : defaultUnit.lowercased()
        let per: [String: Int] = ["day": 1, "week": 7, "month": 30, "year": 365]
        guard let d = per.first(where: { unit.hasPrefix($0.key) })?.value else { return nil }
        return n * d
    }
}
