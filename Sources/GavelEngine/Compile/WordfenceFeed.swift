import GavelCore

/// The Wordfence Intelligence vulnerability data feed (v2/v3 production and scanner feeds):
/// an object of records keyed by id, each with `software: [{type, slug, affected_versions:
/// {LABEL: {from_version, from_inclusive, to_version, to_inclusive}}, patched_versions}]`,
/// `title`, `cve` and `cvss.rating`. Turned into Gavel's own advisory entries, one per
/// affected range of each plugin or theme, so a dataset file may be the feed as downloaded.
enum WordfenceFeed {
    /// Whether `root` looks like the feed: an object whose values carry `software` lists.
    static func recognises(_ root: Value) -> Bool {
        guard root["advisories"] == nil, let members = root.objectMembers, let first = members.first else { return false }
        return first.value["software"]?.arrayValue != nil
    }

    static func entries(_ root: Value) -> [Value] {
        var out: [Value] = []
        for record in root.objectMembers ?? [] {
            let r = record.value
            let id = r["cve"]?.stringValue ?? r["id"]?.stringValue ?? record.key
            let title = r["title"]?.stringValue ?? id
            let severity = r["cvss"]?["rating"]?.stringValue?.lowercased()
            for sw in r["software"]?.arrayValue ?? [] {
                guard let slug = sw["slug"]?.stringValue, ["plugin", "theme"].contains(sw["type"]?.stringValue ?? "plugin") else { continue }
                let fixed = sw["patched_versions"]?.arrayValue?.first?.stringValue
                for range in sw["affected_versions"]?.objectMembers ?? [] {
                    var constraints: [String] = []
                    let from = range.value["from_version"]?.stringValue ?? "*"
                    let to = range.value["to_version"]?.stringValue ?? "*"
                    if from != "*" && !from.isEmpty { constraints.append((range.value["from_inclusive"] == .bool(false) ? ">" : ">=") + from) }
                    if to != "*" && !to.isEmpty { constraints.append((range.value["to_inclusive"] == .bool(false) ? "<" : "<=") + to) }
                    var e: [(String, Value)] = [
                        ("id", .string(id)), ("slug", .string(slug)),
                        ("affected", .string(constraints.isEmpty ? "*" : constraints.joined(separator: " "))),
                        ("title", .string(title)),
                    ]
                    if let fixed { e.append(("fixed_in", .string(fixed))) }
                    if let severity { e.append(("severity", .string(severity))) }
                    out.append(.object(e))
                }
            }
        }
        return out
    }
}
