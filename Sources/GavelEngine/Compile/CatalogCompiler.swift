import GavelCore
import GavelYAML

extension CompileSession {
    /// `gavel: controls/v1`: one framework's control ids and titles.
    func compileCatalog(_ f: LoadedFile) {
        let m = f.root
        m.allowOnly(["gavel", "framework", "title", "version", "description", "controls"])
        guard let (framework, fwAt) = m.string("framework", required: true) else { return }
        if !isIdentifier(framework, extra: "._-") {
            diags.error(.badId, "framework name '\(framework)' must be letters, digits, '.', '_' or '-'", at: fwAt)
        }
        if let other = catalogs.first(where: { $0.framework == framework }) {
            diags.error(
                .duplicateFramework, "framework '\(framework)' is already defined", at: fwAt,
                notes: [.init("first defined", at: SourceLocation(file: other.file))])
            return
        }
        let title = m.string("title")?.0 ?? framework
        var controls: [Control] = []
        var seen: [String: SourceLocation] = [:]
        for item in m.list("controls", required: true) ?? [] {
            guard let c = MapReader(item, "a control", diags) else { continue }
            c.allowOnly(["id", "title", "manual", "description", "tags"])
            guard let (id, at) = c.string("id", required: true) else { continue }
            if let first = seen[id] {
                diags.error(
                    .duplicateControlId, "control '\(id)' appears twice in framework '\(framework)'", at: at, notes: [.init("first defined", at: first)])
                continue
            }
            seen[id] = at
            controls.append(Control(id: id, title: c.string("title", required: true)?.0 ?? id, manual: c.bool("manual") ?? false))
        }
        catalogs.append(Catalog(framework: framework, title: title, controls: controls, file: f.path))
    }

    func isIdentifier(_ s: String, extra: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || extra.unicodeScalars.contains($0) }
    }
}
