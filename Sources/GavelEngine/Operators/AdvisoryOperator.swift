import GavelCore

/// advisories: the `{slug, version}` object at the path matches no advisory of the dataset.
extension Op {
    static func applyAdvisories(_ v: Value, _ ds: Dataset) -> OpResult {
        guard case .string(let slug)? = v["slug"] else {
            return .error("'advisories' needs an object with a string 'slug', but the value is \(v.typeName)")
        }
        let version: String
        switch v["version"] {
        case .string(let s)?: version = s
        case .int(let i)?: version = String(i)
        default: return .error("'advisories' needs a 'version' for \(slug)")
        }
        let hits = ds.matches(slug: slug, version: version)
        if hits.isEmpty { return .yes }
        let list = hits.map { a in
            "\(a.id) \(a.title) (affected \(a.affected)\(a.fixedIn.map { ", fixed in \($0)" } ?? ""))"
        }
        return OpResult(
            truth: .no, note: "\(slug) \(version) matches \(hits.count) advisor\(hits.count == 1 ? "y" : "ies") of \(ds.name): " + list.joined(separator: "; "))
    }
}
