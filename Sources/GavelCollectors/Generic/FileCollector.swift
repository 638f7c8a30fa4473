import Foundation
import GavelCore
import GavelJSON
import GavelYAML

/// `gavel collect file`: configuration files of any kind into `data`, with the file and
/// line of every value as provenance. Files are read in the order given; a later file's
/// settings override an earlier one's (objects are merged key by key), as when a
/// `jail.local` follows `jail.conf`.
public struct FileCollector {
    public var format: ConfigFormat
    public var paths: [String]
    /// Keys that are always lists (`--list KEY`), so a rule sees one type whether a file
    /// gives the key once or several times.
    public var listKeys: Set<String> = []
    /// Read files under this directory (a mounted image); paths in the snapshot stay the machine's.
    public var root = "/"

    public init(format: ConfigFormat, paths: [String]) {
        self.format = format
        self.paths = paths
    }

    public func collect(into b: inout SnapshotBuilder) throws -> Value {
        switch format {
        case .json, .yaml:
            var data = Value.object([Value.Member]())
            var prov: [String: String] = [:]
            for p in paths {
                let (v, lines) = format == .json ? try json(p) : try yaml(p)
                data = Self.merge(data, v, at: "", into: &prov, lines: lines, file: p)
            }
            for (pointer, where_) in prov.sorted(by: { $0.key < $1.key }) where !pointer.isEmpty { b.source(pointer, where_) }
            return data
        case .ini:
            var r = INIReader(root: root)
            for p in paths { try r.read(p) }
            return assemble(r.entries, repeatedIsList: false, into: &b)
        case .keyvalue:
            var r = KeyValueReader(root: root)
            for p in paths { try r.read(p) }
            return assemble(r.entries, repeatedIsList: true, into: &b)
        case .env:
            var r = EnvFileReader(root: root)
            for p in paths { try r.read(p) }
            return assemble(r.entries, repeatedIsList: false, into: &b)
        }
    }

    /// Line-based entries as `data`: sections as objects; a key given again replaces the
    /// earlier value, or (`repeatedIsList`, and keys in `listKeys`) adds to a list.
    func assemble(_ entries: [ConfigEntry], repeatedIsList: Bool, into b: inout SnapshotBuilder) -> Value {
        var order: [String?] = []
        var sections: [String?: [(key: String, values: [ConfigEntry])]] = [:]
        for e in entries {
            if sections[e.section] == nil { sections[e.section] = []; order.append(e.section) }
            if let i = sections[e.section]!.firstIndex(where: { $0.key == e.key }) {
                if repeatedIsList || listKeys.contains(e.key) { sections[e.section]![i].values.append(e) } else { sections[e.section]![i].values = [e] }
            } else {
                sections[e.section]!.append((e.key, [e]))
            }
        }
        var top: [Value.Member] = []
        for section in order {
            let base = section.map { "/" + SnapshotBuilder.pointerToken($0) } ?? ""
            var members: [Value.Member] = []
            for (key, values) in sections[section]! {
                let pointer = base + "/" + SnapshotBuilder.pointerToken(key)
                if values.count > 1 || listKeys.contains(key) {
                    members.append(Value.Member(key, .array(values.map(\.value))))
                    b.source(pointer, values[0].file, values[0].line)
                    for (i, v) in values.enumerated() { b.source(pointer + "/\(i)", v.file, v.line) }
                } else {
                    members.append(Value.Member(key, values[0].value))
                    b.source(pointer, values[0].file, values[0].line)
                }
            }
            if let section {
                if let i = top.firstIndex(where: { $0.key == section }), case .object(let old) = top[i].value {
                    top[i].value = .object(old + members)
                } else {
                    top.append(Value.Member(section, .object(members)))
                    if let first = sections[section]!.first?.values.first { b.source(base, first.file, first.line) }
                }
            } else {
                top += members
            }
        }
        return .object(top)
    }

    func json(_ path: String) throws -> (Value, [String: Int]) {
        let bytes: [UInt8]
        do { bytes = try FileBytes.contents(RootPath.join(root, path)) } catch { throw Diagnostic(.configRead, "cannot read \(path): \(error)") }
        let doc: JSONDocument
        do { doc = try JSONDocument.parse(bytes) } catch {
            throw Diagnostic(.configSyntax, "invalid JSON: \(error.message)", at: SourceLocation(file: path, line: error.line, column: error.column))
        }
        let lines = bytes.withUnsafeBytes { JSONLocator.valueLines(in: $0) } ?? [:]
        return Self.top(doc.rootNode.toValue(), lines)
    }

    func yaml(_ path: String) throws -> (Value, [String: Int]) {
        let text = try FileBytes.text(RootPath.join(root, path), shown: path)
        let node: YAMLNode
        do { node = try YAMLParser.parse(text, file: path) } catch {
            throw Diagnostic(.configSyntax, "\(error.id): \(error.message)", at: error.location ?? SourceLocation(file: path))
        }
        var lines: [String: Int] = [:]
        func walk(_ n: YAMLNode, _ pointer: String) {
            lines[pointer] = n.location.line
            switch n.content {
            case .mapping(let pairs): for p in pairs { walk(p.value, pointer + "/" + SnapshotBuilder.pointerToken(p.key.scalar?.text ?? "")) }
            case .sequence(let items): for (i, item) in items.enumerated() { walk(item, pointer + "/\(i)") }
            case .scalar: break
            }
        }
        walk(node, "")
        return Self.top(node.toValue(), lines)
    }

    /// `data` is an object: a document that is not one is put under `value`.
    static func top(_ v: Value, _ lines: [String: Int]) -> (Value, [String: Int]) {
        if case .object = v { return (v, lines) }
        var moved: [String: Int] = [:]
        for (p, l) in lines { moved["/value" + p] = l }
        return (.object([Value.Member("value", v)]), moved)
    }

    /// `b` over `a`: objects merged key by key, anything else replaced; provenance follows.
    static func merge(_ a: Value, _ b: Value, at pointer: String, into prov: inout [String: String], lines: [String: Int], file: String) -> Value {
        guard case .object(var am) = a, case .object(let bm) = b else {
            for k in prov.keys where k == pointer || k.hasPrefix(pointer + "/") { prov[k] = nil }
            for (p, l) in lines where p == pointer || p.hasPrefix(pointer + "/") { prov[p] = "\(file):\(l)" }
            return b
        }
        if let l = lines[pointer] { prov[pointer] = "\(file):\(l)" }
        for m in bm {
            let p = pointer + "/" + SnapshotBuilder.pointerToken(m.key)
            if let i = am.firstIndex(where: { $0.key == m.key }) {
                am[i].value = merge(am[i].value, m.value, at: p, into: &prov, lines: lines, file: file)
            } else {
                am.append(m)
                for (q, l) in lines where q == p || q.hasPrefix(p + "/") { prov[q] = "\(file):\(l)" }
            }
        }
        return .object(am)
    }
}
