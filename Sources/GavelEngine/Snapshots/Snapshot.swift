import Foundation
import GavelCore
import GavelJSON
import GavelResults

/// A validated `gavel: snapshot/v1` document.
public struct LoadedSnapshot: @unchecked Sendable {
    public var info: SnapshotInfo
    let document: JSONDocument
    let data: JSONNode
    let provenance: ProvenanceMap?
    /// JSON Pointer into `data` and the collector's reason it could not read that part.
    let unavailable: [(pointer: String, reason: String)]

    /// Parses and validates an envelope. `line` is the line of `source` it starts on (JSON Lines).
    /// With `reading`, only what those rules read of `data` is built (the rest is checked
    /// and skipped); the SHA-256 and any error are still of the whole text.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, source: String, line: Int = 1, reading: ReadSelection? = nil
    ) -> Result<LoadedSnapshot, Diagnostic> {
        // A UTF-8 byte order mark (which some Windows editors add) is skipped, as RFC 8259
        // allows; the SHA-256 is still of the file as it is.
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        let doc: JSONDocument
        var plainProvenance: JSONStringMap?
        switch parseJSON(bom ? UnsafeRawBufferPointer(rebasing: bytes[3...]) : bytes, reading: reading) {
        case .success(let parsed): (doc, plainProvenance) = parsed
        case .failure(let error):
            return .failure(
                Diagnostic(.badJson, "invalid JSON: \(error.message)", at: SourceLocation(file: source, line: error.line + line - 1, column: error.column)))
        }
        /// Points at the value of `key` when the envelope has it, else at its opening brace.
        func bad(_ msg: String, at key: String? = nil) -> Result<LoadedSnapshot, Diagnostic> {
            let at = JSONLocator.member(key, in: bytes) ?? JSONLocator.start(of: bytes)
            return .failure(
                Diagnostic(
                    .badSnapshot, msg, at: SourceLocation(file: source, line: at.map { $0.line + line - 1 } ?? (line == 1 ? nil : line), column: at?.column)))
        }
        let root = doc.rootNode
        guard root.type == .object else { return bad("a snapshot must be a JSON object with \"gavel\": \"snapshot/v1\"") }
        guard let marker = root.member("gavel")?.string else {
            return bad("not a Gavel snapshot: missing \"gavel\": \"snapshot/v1\"", at: "gavel")
        }
        guard marker == "snapshot/v1" else { return bad("unsupported snapshot format \"\(marker)\"; this Gavel reads snapshot/v1", at: "gavel") }
        guard let asset = root.member("asset")?.string, !asset.isEmpty else {
            return bad("missing or empty \"asset\" (the site, store or host this describes)", at: "asset")
        }
        guard let kind = root.member("kind")?.string else {
            return bad("missing \"kind\" (\(SnapshotKinds.builtIn.joined(separator: ", ")), or a name of your own such as \"redis\")", at: "kind")
        }
        guard SnapshotKinds.isValidName(kind) else {
            return bad(
                "snapshot kind \"\(kind)\" is not a kind name: lowercase letters, digits, '-' and '_', starting with a letter\(Suggest.hint(for: kind.lowercased(), in: SnapshotKinds.known))",
                at: "kind")
        }
        guard let data = root.member("data") else { return bad("missing \"data\"") }
        guard data.type == .object else { return bad("\"data\" must be an object", at: "data") }
        let prov = root.member("provenance")
        if let prov, prov.type != .object { return bad("\"provenance\" must be an object mapping JSON Pointers to file:line", at: "provenance") }
        let provenance = plainProvenance.map(ProvenanceMap.strings) ?? prov.map(ProvenanceMap.tree)
        var unavailable: [(pointer: String, reason: String)] = []
        if let u = root.member("unavailable") {
            guard u.type == .object else {
                return bad("\"unavailable\" must be an object mapping JSON Pointers into \"data\" to the reason they could not be collected", at: "unavailable")
            }
            var problem: String?
            u.forEachMember(until: { problem != nil }) { key, value in
                let pointer = key()
                guard pointer.hasPrefix("/") else { problem = "\"unavailable\" key \"\(pointer)\" is not a JSON Pointer (it must start with /)"; return }
                guard let reason = value.string, !reason.isEmpty else {
                    problem = "\"unavailable\" entry \"\(pointer)\" must give the reason as a non-empty string"; return
                }
                if AssetView.anchor(pointer, reason, in: data) == nil {
                    problem =
                        "\"unavailable\" entry \"\(pointer)\" names a value that \"data\" has (or one under a scalar); a part is either collected or unavailable"
                    return
                }
                unavailable.append((pointer, reason))
            }
            if let problem { return bad(problem, at: "unavailable") }
        }
        var collectedAt: String?
        if let at = root.member("collected_at") {
            // Reports show it to auditors as when the evidence was taken: a time, or absent.
            guard let text = at.string, Timestamp.isRFC3339(text) else {
                return bad(
                    "\"collected_at\" must be an RFC 3339 time such as \"2026-11-21T02:00:04Z\", found \(JSONWriter.string(at.toValue()))", at: "collected_at")
            }
            collectedAt = text
        }
        let info = SnapshotInfo(
            source: source, asset: asset, kind: kind, collectedAt: collectedAt, collector: root.member("collector")?.toValue(),
            sha256: SHA256.hex(bytes.bindMemory(to: UInt8.self)), bytes: bytes.count)
        return .success(LoadedSnapshot(info: info, document: doc, data: data, provenance: provenance, unavailable: unavailable))
    }

    /// The envelope parsed by jansson. A `provenance` map in the plain form collectors write
    /// is read by `JSONStringMap` instead, and jansson parses the text with `{}` in its place:
    /// the map is a third of a PHP snapshot's text, and a run reads few of its entries. When
    /// that text is invalid, the whole text is parsed again, so that the error and its
    /// position are jansson's own, as if the map had never been taken out.
    static func parseJSON(_ text: UnsafeRawBufferPointer, reading: ReadSelection? = nil) -> Result<(JSONDocument, JSONStringMap?), JSONDocument.ParseError> {
        if let reading, let parsed = parseRead(text, reading) { return .success(parsed) }
        if let range = JSONParts.topLevelMember("provenance", in: text), range.count > 2,
            let map = JSONStringMap(UnsafeRawBufferPointer(rebasing: text[range]))
        {
            var spliced: [UInt8] = []
            spliced.reserveCapacity(text.count - range.count + 2)
            spliced.append(contentsOf: text[..<range.lowerBound])
            spliced.append(contentsOf: "{}".utf8)
            spliced.append(contentsOf: text[range.upperBound...])
            if let doc = try? JSONDocument.parse(spliced) { return .success((doc, map)) }
        }
        do { return .success((try JSONDocument.parse(text), nil)) } catch { return .failure(error) }
    }

    /// The envelope with `data` cut to what `reading` selects for the snapshot's kind and the
    /// provenance map read by `JSONStringMap`; nil when the text is anything but plainly
    /// valid, or declares `unavailable` parts (whose pointers are checked against the whole
    /// `data`), for `parseJSON` to parse it whole.
    static func parseRead(_ text: UnsafeRawBufferPointer, _ reading: ReadSelection) -> (JSONDocument, JSONStringMap?)? {
        guard
            let cut = JSONPruner.cut(
                text, selection: .everyMember, external: "provenance", deferred: ("data", "kind", { reading.selection(kind: $0) }))
        else { return nil }
        var map: JSONStringMap?
        if let r = cut.external {
            guard let m = JSONStringMap(UnsafeRawBufferPointer(rebasing: text[r])) else { return nil }
            map = m
        }
        guard let doc = try? JSONDocument.parse(cut.text), doc.rootNode.member("unavailable") == nil else { return nil }
        return (doc, map)
    }

    public static func load(file: String, reading: ReadSelection? = nil) -> Result<LoadedSnapshot, Diagnostic> {
        guard let data = FileManager.default.contents(atPath: file) else {
            return .failure(Diagnostic(.unreadable, "cannot read file", at: SourceLocation(file: file)))
        }
        return data.withUnsafeBytes { parse($0, source: file, reading: reading) }
    }
}

/// All snapshots of one asset, merged by kind.
public struct LoadedAsset: Sendable {
    public var name: String
    public var snapshots: [SnapshotInfo]
    public var view: AssetView

    /// Merges snapshots of one asset; two of the same kind is an error.
    public static func merge(_ snaps: [LoadedSnapshot]) -> Result<LoadedAsset, Diagnostic> {
        guard let first = snaps.first else {
            return .failure(Diagnostic(.noSnapshots, "no snapshots", at: SourceLocation(file: "-")))
        }
        var parts: [Int: AssetView.Part] = [:]
        var seen: [String: String] = [:]
        for s in snaps {
            if s.info.asset != first.info.asset {
                return .failure(
                    Diagnostic(
                        .mixedAssets,
                        "this snapshot is for asset \"\(s.info.asset)\" but \(first.info.source) in the same folder is for \"\(first.info.asset)\"; keep one asset per folder",
                        at: SourceLocation(file: s.info.source)))
            }
            if let other = seen[s.info.kind] {
                return .failure(
                    Diagnostic(
                        .duplicateKind, "asset \"\(s.info.asset)\" has two \(s.info.kind) snapshots: \(other) and this one",
                        at: SourceLocation(file: s.info.source)))
            }
            seen[s.info.kind] = s.info.source
            // A kind no compiled policy names has no number: no rule reads it.
            if let k = SnapshotKinds.index(of: s.info.kind) {
                parts[k] = AssetView.Part(data: s.data, provenance: s.provenance, unavailable: s.unavailable)
            }
        }
        let view = AssetView(name: first.info.asset, parts: parts, documents: snaps.map(\.document))
        return .success(LoadedAsset(name: first.info.asset, snapshots: snaps.map(\.info).sorted { $0.kind < $1.kind }, view: view))
    }
}
