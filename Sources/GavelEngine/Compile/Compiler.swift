import Foundation
import GavelCore
import GavelResults
import GavelYAML

/// Compiles a policy directory into a `Program`, reporting every error of the whole set.
///
/// Phases: load and parse every file -> catalogs and datasets -> policy headers (ids,
/// params, rule ids) -> tailoring -> rules (conditions, operands, paths, patterns) -> tests.
public enum Compiler {
    public struct Output {
        public let program: Program?
        /// Errors and warnings, sorted by file and position.
        public let diagnostics: [Diagnostic]
        public let renderer: DiagnosticRenderer
        public var errors: [Diagnostic] { diagnostics.filter { $0.level == .error } }
    }

    /// `schemas` gives each snapshot kind's data schema; policy paths are checked against it.
    /// The default is the schemas of Gavel's collectors (docs/snapshots/).
    public static func compile(path: String, schemas: @escaping @Sendable (String) -> SchemaType? = SnapshotSchemas.schema(for:)) -> Output {
        let session = CompileSession()
        session.schemas = schemas
        let program = session.run(path)
        return Output(
            program: session.diags.hasErrors ? nil : program,
            diagnostics: Diagnostic.sorted(session.diags.items), renderer: session.renderer)
    }
}

/// What the first key of a file declares.
enum FileMarker: String, CaseIterable {
    case policy = "policy/v1", controls = "controls/v1", tests = "tests/v1"
    case waivers = "waivers/v1", attestations = "attestations/v1", tailoring = "tailoring/v1"
}

struct LoadedFile {
    var path: String
    var root: MapReader
    var marker: FileMarker
}

struct PolicyHeader {
    var id: String
    var file: String
    var params: [String: (value: Value, location: SourceLocation)]
    var kinds: [String]?
    var kindsLocation: SourceLocation?
}

final class CompileSession {
    let diags = DiagnosticBag()
    var renderer = DiagnosticRenderer()
    var inputFiles: [InputFile] = []
    var loaded: [LoadedFile] = []
    var catalogs: [Catalog] = []
    var datasets: [String: Dataset] = [:]
    var headers: [String: PolicyHeader] = [:]
    var ruleLocations: [String: SourceLocation] = [:]
    var paramOverrides: [String: (value: Value, location: SourceLocation)] = [:]
    var disabled: [String: String] = [:]
    var rules: [Rule] = []
    var tests: [PolicyTest] = []
    var waivers: [Waiver] = []
    var attestations: [Attestation] = []
    var schemas: @Sendable (String) -> SchemaType? = SnapshotSchemas.schema(for:)
    /// Kinds of the policy set's own, with the schema it declares (`schemas/KIND.schema.json`).
    var userSchemas: [String: UserSchema] = [:]
    /// Kinds other than the built-in ones that rules, paths and tests name: how often, and where first.
    var kindUses: [String: (count: Int, location: SourceLocation)] = [:]
    /// One `PathTail` per written path: leaves that read the same value share it, and
    /// evidence that names one value twice in a row is spelled once (`Record.names`).
    var tails: [PathTail.Key: PathTail] = [:]

    /// The policy folder (the folder of a single policy file), and the same with links resolved.
    var policyRoot = ""
    private var resolvedRoot = "/"

    /// Whether `path`, with links followed, lies inside the policy folder; and where it leads.
    /// Policies arrive in pull requests: a file outside the folder (a linked /etc/passwd, a
    /// fixture at ../../.env) would have its lines quoted in diagnostics or test output.
    func insidePolicyFolder(_ path: String) -> (inside: Bool, resolved: String) {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        return (resolved.hasPrefix(resolvedRoot == "/" ? "/" : resolvedRoot + "/"), resolved)
    }

    func run(_ path: String) -> Program? {
        var isDir: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        policyRoot = isDir.boolValue ? path : PathNames.folder(of: path)
        if policyRoot.isEmpty { policyRoot = "." }
        resolvedRoot = URL(fileURLWithPath: policyRoot).resolvingSymlinksInPath().standardizedFileURL.path
        let (yamlFiles, dataFiles, schemaFiles) = discover(path)
        for f in yamlFiles { load(f) }
        if !isDir.boolValue { loadNearestCatalogs(for: path) }
        for f in dataFiles { loadDataset(f) }
        for f in schemaFiles { loadSchema(f) }
        if yamlFiles.isEmpty, !diags.hasErrors {
            diags.error(.noPolicies, "no policy files (*.yaml, *.yml) found under \(path)", at: nil)
        }
        for f in loaded where f.marker == .controls { compileCatalog(f) }
        for f in loaded where f.marker == .policy { compileHeader(f) }
        for f in loaded where f.marker == .tailoring { compileTailoring(f) }
        for f in loaded where f.marker == .policy { compileRules(f) }
        for f in loaded where f.marker == .policy || f.marker == .tests { compileTests(f) }
        warnAboutKindTypos()
        for f in loaded where f.marker == .waivers { compileWaivers(f) }
        for f in loaded where f.marker == .attestations { compileAttestations(f) }
        if !diags.hasErrors, rules.isEmpty, !yamlFiles.isEmpty {
            diags.error(.noRules, "the policy set under \(path) defines no rules", at: nil)
        }
        let params = headers.values.sorted { $0.id < $1.id }.flatMap { h in
            h.params.keys.sorted().map { name in
                let q = "\(h.id).\(name)"
                return (name: q, value: paramOverrides[q]?.value ?? h.params[name]!.value)
            }
        }
        return Program(
            rules: rules, catalogs: catalogs.sorted { $0.framework < $1.framework }, tests: tests,
            waivers: waivers, attestations: attestations,
            files: inputFiles, root: path, parameters: params,
            disabled: disabled.keys.sorted().map { (rule: $0, reason: disabled[$0]!) },
            warnings: diags.items.filter { $0.level == .warning })
    }

    /// A single policy file is compiled with the control catalogs of the nearest `controls/`
    /// folder at or above its own (`Policies/nginx/tls.yaml` with `Policies/controls/`), so the
    /// frameworks its rules map to are known. Only `controls/v1` files are taken from there.
    func loadNearestCatalogs(for file: String) {
        var dir = PathNames.folder(of: URL(fileURLWithPath: file).standardizedFileURL.path)
        let fm = FileManager.default
        while true {
            let candidate = dir == "/" ? "/controls" : dir + "/controls"
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue,
                let names = try? fm.contentsOfDirectory(atPath: candidate)
            {
                let yaml = names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }.sorted()
                if !yaml.isEmpty {
                    for name in yaml {
                        let f = candidate + "/" + name
                        guard f != file else { continue }
                        let before = loaded.count
                        load(f)
                        if loaded.count > before, loaded.last?.marker != .controls { loaded.removeLast() }
                    }
                    return
                }
            }
            if dir == "/" || dir.isEmpty { return }
            dir = PathNames.folder(of: dir)
        }
    }

    /// Every `*.yaml`/`*.yml` below `path` in sorted order; files in `data/` are datasets,
    /// `schemas/KIND.schema.json` the schemas of the set's own kinds; folders named `fixtures`
    /// (test inputs) and hidden folders are not policy files.
    func discover(_ path: String) -> (yaml: [String], data: [String], schemas: [String]) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            diags.error(.ioError, "policy path \(path) does not exist", at: nil)
            return ([], [], [])
        }
        if !isDir.boolValue { return ([path], [], []) }
        var yaml: [String] = []
        var data: [String] = []
        var schemas: [String] = []
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return ([], [], []) }
        while let rel = walker.nextObject() as? String {
            let parts = rel.split(separator: "/")
            if parts.contains(where: { $0.hasPrefix(".") || $0 == "fixtures" }) { continue }
            let full = base + "/" + rel
            guard rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") || rel.hasSuffix(".json") else { continue }
            let (inside, resolved) = insidePolicyFolder(full)
            guard inside else {
                diags.error(.outsidePolicyFolder, "\(full) links to \(resolved), outside the policy folder; it is not read", at: nil)
                continue
            }
            if parts.first == "schemas", parts.count == 2, rel.hasSuffix(".schema.json") {
                schemas.append(full)
            } else if parts.first == "data", parts.count == 2, rel.hasSuffix(".json") || rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") {
                data.append(full)
            } else if parts.first != "data", rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") {
                yaml.append(full)
            }
        }
        return (yaml.sorted(), data.sorted(), schemas.sorted())
    }

    func readFile(_ path: String) -> Data? {
        guard let data = FileManager.default.contents(atPath: path) else {
            diags.error(.ioError, "cannot read \(path)", at: nil)
            return nil
        }
        inputFiles.append(InputFile(path: path, sha256: SHA256.hex(data), bytes: data.count))
        return data
    }

    func load(_ path: String) {
        guard let data = readFile(path) else { return }
        guard let text = String(data: data, encoding: .utf8) else {
            diags.error(.encoding, "\(path) is not UTF-8 text", at: SourceLocation(file: path, line: 1, column: 1))
            return
        }
        renderer.register(file: path, text: text)
        let root: YAMLNode
        do { root = try YAMLParser.parse(text, file: path) } catch { diags.add(error); return }
        guard let map = MapReader(root, "a Gavel file", diags) else { return }
        let markers = FileMarker.allCases.map { "gavel: \($0.rawValue)" }
        guard let first = map.pairs.first, first.key.scalar?.text == "gavel" else {
            let at = map.pairs.first?.key.location ?? root.location
            diags.error(.missingMarker, "the first key of a Gavel file must be 'gavel:' naming its kind (\(markers.joined(separator: ", ")))", at: at)
            return
        }
        guard let value = first.value.scalar?.text, let marker = FileMarker(rawValue: value) else {
            let v = first.value.scalar?.text ?? ""
            diags.error(
                .unknownMarker, "unknown file kind 'gavel: \(v)'\(Suggest.hint(for: v, in: FileMarker.allCases.map(\.rawValue)))",
                at: first.value.location, notes: ["known kinds: \(FileMarker.allCases.map(\.rawValue).joined(separator: ", "))"])
            return
        }
        loaded.append(LoadedFile(path: path, root: map, marker: marker))
    }
}
