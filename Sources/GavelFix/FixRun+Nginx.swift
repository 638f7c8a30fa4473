import Foundation
import GavelCollectors
import GavelCore
import GavelEngine
import GavelJSON
import GavelResults

extension FixRun {
    /// A block of the nginx model the failing evidence names: a server, a location, or an
    /// `if` inside a location.
    struct NginxBlock: Hashable {
        var server: Int
        var location: Int?
        var ifBlock: Int?

        /// `nginx.servers[0].locations[2].headers...` -> the block it is about.
        init?(evidencePath p: String) {
            func index(after marker: String, in s: Substring) -> (Int, Substring)? {
                guard s.hasPrefix(marker) else { return nil }
                let rest = s.dropFirst(marker.count)
                guard let close = rest.firstIndex(of: "]"), let n = Int(rest[..<close]) else { return nil }
                return (n, rest[rest.index(after: close)...])
            }
            guard let (s, rest) = index(after: "nginx.servers[", in: Substring(p)) else { return nil }
            server = s
            if let (l, rest2) = index(after: ".locations[", in: rest) {
                location = l
                if let (i, _) = index(after: ".ifs[", in: rest2) { ifBlock = i }
            }
        }

        init(server: Int, location: Int? = nil) {
            self.server = server
            self.location = location
        }

        var pointer: String {
            var p = "/servers/\(server)"
            if let location { p += "/locations/\(location)" }
            if let ifBlock { p += "/ifs/\(ifBlock)" }
            return p
        }
        /// What the nginx model calls the block's level in `headers_from`.
        var level: String { ifBlock != nil ? "if" : location != nil ? "location" : "server" }

        func value(in data: Value) -> Value? {
            var v = data["servers"]?.arrayValue.flatMap { server < $0.count ? $0[server] : nil }
            if let location { v = v?["locations"]?.arrayValue.flatMap { location < $0.count ? $0[location] : nil } }
            if let ifBlock { v = v?["ifs"]?.arrayValue.flatMap { ifBlock < $0.count ? $0[ifBlock] : nil } }
            return v
        }
    }

    /// One planned change of an nginx file: a statement replaced or removed on a line, or
    /// statements added at the top of the block that starts on a line.
    enum NginxChange: Hashable {
        case replace(line: Int, directive: String, header: String?, statement: String)
        case remove(line: Int, directive: String)
        case insert(block: Int, statement: String)

        var line: Int {
            switch self {
            case .replace(let l, _, _, _), .remove(let l, _), .insert(let l, _): return l
            }
        }
    }

    /// The nginx fixes of one asset: statements set, removed or added in the blocks the
    /// failing evidence names, proven by `nginx -t` on the patched files and by collecting
    /// them again and evaluating every rule again.
    func fixNginx(_ asset: String, _ fixes: [(rule: String, fix: MachineFix)], before: ResultsDocument, into out: inout Outcome) throws {
        let ids = Self.ruleIDs(fixes)
        func withhold(_ why: String) { out.withheld += ids.map { ($0, why) } }
        guard let snap = snapshot(asset, "nginx"), let data = snap["data"] else { return withhold("no readable nginx snapshot of \(asset) in \(snapshots)") }
        guard let main = data["main_file"]?.stringValue, let files = data["files"]?.arrayValue?.compactMap(\.stringValue), !files.isEmpty else {
            return withhold("the nginx snapshot names no configuration files to patch")
        }
        let provenance = snap["provenance"]
        func at(_ pointer: String) -> (file: String, line: Int)? {
            guard let s = provenance?[pointer]?.stringValue, let colon = s.lastIndex(of: ":"), let line = Int(s[s.index(after: colon)...]) else { return nil }
            return (String(s[..<colon]), line)
        }
        var blocksOf: [String: [NginxBlock]] = [:]
        for e in before.entries where e.asset == asset && e.verdict == .fail {
            var seen = Set<NginxBlock>()
            blocksOf[e.rule] = e.evidence.compactMap { NginxBlock(evidencePath: $0.path) }.filter { seen.insert($0).inserted }
        }

        // Plan: per file, the changes (each once, whichever rules ask for it).
        var plan: [String: [NginxChange]] = [:]
        func add(_ file: String, _ c: NginxChange) { if !(plan[file] ?? []).contains(c) { plan[file, default: []].append(c) } }
        for (rule, fix) in fixes {
            let blocks = blocksOf[rule] ?? []
            if blocks.isEmpty { return withhold("\(rule)'s evidence names no nginx server or location to change") }
            for block in blocks {
                switch fix {
                case .nginx(let directive, let value):
                    let statement = "\(directive) \(value);"
                    if let p = at(block.pointer + "/" + directive) {
                        add(p.file, .replace(line: p.line, directive: directive, header: nil, statement: statement))
                    } else if let b = at(block.pointer) {
                        add(b.file, .insert(block: b.line, statement: statement))
                    } else {
                        return withhold("the nginx snapshot does not say where \(block.pointer) is")
                    }
                case .nginxRemove(let directive):
                    guard let p = at(block.pointer + "/" + directive) else {
                        return withhold("nothing sets \(directive) for \(block.pointer), so there is no line to remove")
                    }
                    add(p.file, .remove(line: p.line, directive: directive))
                case .nginxHeader(let name, let value, let always):
                    let statement = "add_header \(name) \(NginxEdit.quote(value))\(always ? " always" : "");"
                    guard let node = block.value(in: data) else { return withhold("the nginx snapshot has no \(block.pointer)") }
                    let key = name.lowercased()
                    if let h = node["headers"]?[key] {
                        if h["value"]?.stringValue == value && h["always"] == .bool(always) { continue }
                        guard let p = at(block.pointer + "/headers/" + SnapshotBuilder.pointerToken(key)) else {
                            return withhold("the nginx snapshot does not say which line sends \(name) for \(block.pointer)")
                        }
                        add(p.file, .replace(line: p.line, directive: "add_header", header: name, statement: statement))
                        continue
                    }
                    // The block where the header goes: where this block's headers come from,
                    // so that it keeps every header it inherits with the new one.
                    let from = node["headers_from"]?.stringValue
                    var target: NginxBlock
                    switch from {
                    case block.level?: target = block
                    case "location"?: target = NginxBlock(server: block.server, location: block.location)
                    case "http"?:
                        guard let t = machineText(main), let line = NginxEdit.httpBlock(t) else {
                            return withhold("the headers of \(block.pointer) come from the http block, which \(main) does not show")
                        }
                        add(main, .insert(block: line, statement: statement))
                        continue
                    default: target = NginxBlock(server: block.server)
                    }
                    guard let b = at(target.pointer) else { return withhold("the nginx snapshot does not say where \(target.pointer) is") }
                    add(b.file, .insert(block: b.line, statement: statement))
                default:
                    continue
                }
            }
        }

        // Apply, bottom up, so that the lines of the changes still to come stay where the
        // snapshot saw them; statements added to one block keep the fixes' order.
        var texts: [String: String] = [:]
        var originals: [String: String] = [:]
        for (file, changes) in plan {
            guard let original = machineText(file) else {
                return withhold("cannot read \(file) under \(root)")
            }
            var t = original
            let inserts = Dictionary(
                grouping: changes.compactMap { c -> (Int, String)? in
                    if case .insert(let l, let s) = c { return (l, s) }
                    return nil
                }, by: { $0.0 })
            let lines = Set(changes.map(\.line)).sorted(by: >)
            for line in lines {
                for c in changes where c.line == line {
                    switch c {
                    case .replace(_, let directive, let header, let statement):
                        guard let n = NginxEdit.replace(t, line: line, directive: directive, header: header, with: statement) else {
                            return withhold(Self.unedited(t, file: file, line: line, what: header.map { "add_header " + $0 } ?? directive))
                        }
                        t = n
                    case .remove(_, let directive):
                        guard let n = NginxEdit.remove(t, line: line, directive: directive) else {
                            return withhold(Self.unedited(t, file: file, line: line, what: directive))
                        }
                        t = n
                    case .insert: continue
                    }
                }
                if let adds = inserts[line] {
                    guard let n = NginxEdit.insert(t, block: line, adds.map(\.1)) else {
                        return withhold("\(file) changed since the snapshot, or its block on line \(line) does not open with '{' at the end of a line")
                    }
                    t = n
                }
            }
            originals[file] = original
            texts[file] = t
        }

        // Prove: the patched files in a scratch root; nginx must accept them, and the asset
        // collected and evaluated again must show the fix.
        let scratch = try Self.scratchRoot()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try copy(files, patched: texts, into: scratch)
        if nginx == nil { out.notes.append("nginx -t was not run on the patched configuration: /usr/sbin/nginx is not installed") }
        if let nginx {
            if let why = try NginxCheck(nginx: nginx, scratch: scratch, main: main, files: files).rejection() {
                return withhold("nginx -t rejects the patched configuration: \(why)")
            }
        }
        var builder = SnapshotBuilder(asset: asset, kind: "nginx")
        let again: Value
        do {
            again = try NginxCollector(config: main, version: data["version"]?.stringValue, root: scratch).collect(into: &builder)
        } catch { return withhold("the patched files cannot be collected again: \(error)") }
        try conclude(
            ids, asset, replacing: ["nginx": builder.document(data: again)], scratch: scratch, before: before, originals: originals, texts: texts, into: &out)
    }

    /// Why line `line` of `file` could not be edited: a directive that goes on over several
    /// lines (gavel fix edits one line), or a file changed since the snapshot.
    static func unedited(_ text: String, file: String, line: Int, what: String) -> String {
        let l = (TextLines(text).line(line) ?? "").trimmingCharacters(in: .whitespaces)
        let word = what.split(separator: " ").first.map(String.init) ?? what
        if l == word || l.hasPrefix(word + " ") || l.hasPrefix(word + "\t"), !l.contains(";") {
            return "\(file) line \(line) begins \(word), which goes on over several lines; gavel fix edits one line, so edit it by hand"
        }
        return "\(file) changed since the snapshot (line \(line) no longer sets \(what)): collect the asset again"
    }
}
