import Foundation
import GavelCore
import GavelJSON
import GavelYAML

extension CompileSession {
    /// Tests from `gavel: tests/v1` files and from `tests:` in policy files (docs/LANGUAGE.md#tests).
    func compileTests(_ f: LoadedFile) {
        if f.marker == .tests { f.root.allowOnly(["gavel", "tests", "description"]) }
        guard let items = f.root.list("tests", required: f.marker == .tests) else { return }
        let dir = PathNames.folder(of: f.path)
        var names: [String: SourceLocation] = [:]
        for item in items {
            guard let m = MapReader(item, "a test", diags) else { continue }
            m.allowOnly(["name", "asset", "asset_file", "unavailable", "expect"])
            guard let (name, at) = m.string("name", required: true) else { continue }
            if let first = names[name] {
                diags.error(.duplicateTestName, "test name '\(name)' is used twice in this file", at: at, notes: [.init("first used", at: first)])
            }
            names[name] = at
            var asset: Value?
            if m.has("asset") && m.has("asset_file") {
                diags.error(.conflictingKeys, "a test has either 'asset' or 'asset_file', not both", at: m.keyLocation("asset_file"))
                continue
            } else if let a = m["asset"] {
                asset = testAsset(a)
            } else if let (file, fileAt) = m.string("asset_file") {
                asset = loadAssetFile(dir.isEmpty ? file : dir + "/" + file, fileAt)
            } else {
                diags.error(.missingKey, "a test needs 'asset' (inline) or 'asset_file'", at: item.location)
                continue
            }
            var unavailable: [String: [(pointer: String, reason: String)]] = [:]
            if let u = m.mapping("unavailable") { unavailable = testUnavailable(u, asset) }
            guard let expectMap = m.mapping("expect", required: true) else { continue }
            var expect: [(rule: String, verdict: Verdict)] = []
            if expectMap.pairs.isEmpty {
                // A test that expects nothing can never fail.
                diags.error(.emptyList, "'expect' needs at least one rule and its verdict, e.g. { PHP-VER-001: pass }", at: expectMap.node.location)
            }
            for pair in expectMap.pairs {
                guard let rule = pair.key.scalar?.text else { continue }
                guard ruleLocations[rule] != nil else {
                    diags.error(
                        .unknownRule, "test expects a verdict for unknown rule '\(rule)'\(Suggest.hint(for: rule, in: ruleLocations.keys))",
                        at: pair.key.location)
                    continue
                }
                guard let (v, vAt) = MapReader.text(pair.value, "a verdict", diags) else { continue }
                guard let verdict = Verdict(rawValue: v) else {
                    let names = Verdict.allCases.map(\.rawValue)
                    diags.error(
                        .badVerdict, "unknown verdict '\(v)'\(Suggest.hint(for: v, in: names))", at: vAt,
                        notes: ["verdicts: \(names.joined(separator: ", "))"])
                    continue
                }
                expect.append((rule, verdict))
            }
            if let asset { tests.append(PolicyTest(name: name, asset: asset, unavailable: unavailable, expect: expect, location: at)) }
        }
    }

    /// `unavailable: {KIND: {"/json/pointer": "reason"}}`: parts of the test asset a collector
    /// could not read, as a snapshot's `unavailable` declares them.
    private func testUnavailable(_ m: MapReader, _ asset: Value?) -> [String: [(pointer: String, reason: String)]] {
        var out: [String: [(pointer: String, reason: String)]] = [:]
        for pair in m.pairs {
            guard let kind = pair.key.scalar?.text else { continue }
            guard useKind(kind, at: pair.key.location, "'unavailable' key") != nil else { continue }
            if let asset, asset[kind] == nil {
                diags.error(.unknownKind, "'unavailable' names kind '\(kind)' but the test asset has no \(kind) data", at: pair.key.location)
                continue
            }
            guard let entries = MapReader(pair.value, "the unavailable parts of \(kind)", diags) else { continue }
            for e in entries.pairs {
                guard let pointer = e.key.scalar?.text, let (reason, _) = MapReader.text(e.value, "a reason", diags) else { continue }
                guard pointer.hasPrefix("/") else {
                    diags.error(.badPointer, "'\(pointer)' is not a JSON Pointer into the \(kind) data (it must start with /)", at: e.key.location)
                    continue
                }
                out[kind, default: []].append((pointer, reason))
            }
        }
        return out
    }

    /// An inline asset: a mapping from snapshot kind to that kind's data.
    private func testAsset(_ node: YAMLNode) -> Value? {
        guard let m = MapReader(node, "a test asset", diags) else { return nil }
        for pair in m.pairs {
            guard let k = pair.key.scalar?.text else { continue }
            if useKind(k, at: pair.key.location, "test asset key") == nil { return nil }
        }
        return node.toValue()
    }

    /// A JSON fixture: either a merged asset document (`{"php": {...}}`) or one snapshot envelope.
    private func loadAssetFile(_ path: String, _ at: SourceLocation) -> Value? {
        if FileManager.default.fileExists(atPath: path), !insidePolicyFolder(path).inside {
            diags.error(.outsidePolicyFolder, "asset_file \(path) is outside the policy folder \(policyRoot); keep fixtures beside the policies", at: at)
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            diags.error(.missingFile, "asset_file \(path) does not exist or cannot be read", at: at)
            return nil
        }
        let doc: JSONDocument
        do { doc = try JSONDocument.parse([UInt8](data)) } catch {
            diags.error(.badJson, "asset_file is not valid JSON: \(error.message)", at: SourceLocation(file: path, line: error.line, column: error.column))
            return nil
        }
        let v = doc.toValue()
        if v["gavel"]?.stringValue == "snapshot/v1", let kind = v["kind"]?.stringValue, let data = v["data"] {
            return .object([(kind, data)])
        }
        guard case .object = v else {
            diags.error(.badJson, "asset_file must hold a JSON object keyed by snapshot kind", at: at)
            return nil
        }
        return v
    }
}
