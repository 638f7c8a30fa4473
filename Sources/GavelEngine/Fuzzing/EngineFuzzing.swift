import Foundation
import GavelCore
import GavelResults

/// Entry points for the coverage-guided fuzz targets (`gavel-fuzz`, `scripts/fuzz.sh`) and
/// their regression tests: policy files through the compiler, snapshots through loading and
/// evaluation, results and baseline documents through their readers.
@_spi(Fuzzing) public enum EngineFuzzing {
    static let scratch: String = {
        let dir = NSTemporaryDirectory() + "gavel-fuzz-engine-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// A small valid policy set the fuzzed file is compiled beside, so that waivers,
    /// attestations, tailoring and tests written against it reach their deeper checks.
    static let companion = """
        gavel: policy/v1
        id: fuzz
        kind: php
        params:
          max_lifetime: { type: number, default: 1440 }
        rules:
          - id: FUZZ-001
            title: a rule
            severity: high
            controls: [fz:C1]
            check: { path: 'php.ini."session.gc_maxlifetime"', as: int, lte: { param: max_lifetime } }
            remediation: fix it
          - id: FUZZ-002
            title: another rule
            severity: low
            controls: [fz:C1]
            check: { every: { path: "php.fpm_pool.overrides[*]", check: { path: .admin, equals: true } } }
            remediation: fix it
        """
    static let catalog = "gavel: controls/v1\nframework: fz\ntitle: Fuzz\ncontrols:\n  - { id: C1, title: One }\n  - { id: C2, title: Two, manual: true }\n"

    /// A policy-set YAML file (policy, tests, waivers, attestations, tailoring, controls),
    /// compiled alone and beside the companion policy set.
    public static func policy(_ bytes: [UInt8]) {
        let alone = scratch + "/alone", beside = scratch + "/beside"
        for dir in [alone, beside] { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        FileManager.default.createFile(atPath: alone + "/input.yaml", contents: Data(bytes))
        FileManager.default.createFile(atPath: beside + "/input.yaml", contents: Data(bytes))
        FileManager.default.createFile(atPath: beside + "/fuzz.yaml", contents: Data(companion.utf8))
        FileManager.default.createFile(atPath: beside + "/controls.yaml", contents: Data(catalog.utf8))
        for dir in [alone, beside] {
            let out = Compiler.compile(path: dir)
            _ = out.renderer.render(out.diagnostics)
            if let program = out.program { _ = TestRunner.run(program) }
        }
    }

    /// The program snapshots are evaluated with: the policy set at `GAVEL_FUZZ_POLICIES`
    /// (default `Policies`, the shipped library), or the companion set.
    static let program: Program? = {
        let path = ProcessInfo.processInfo.environment["GAVEL_FUZZ_POLICIES"] ?? "Policies"
        if let p = Compiler.compile(path: path).program { return p }
        let dir = scratch + "/program"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/fuzz.yaml", contents: Data(companion.utf8))
        FileManager.default.createFile(atPath: dir + "/controls.yaml", contents: Data(catalog.utf8))
        return Compiler.compile(path: dir).program
    }()

    static let reading: ReadSelection? = program.map { ReadSelection([$0]) }

    /// A snapshot document: loaded, then evaluated by every rule, results rendered as JSON.
    /// It is loaded twice, whole and building only what the rules read: the two must agree
    /// on whether it loads (with the same error) and on every result.
    public static func snapshot(_ bytes: [UInt8]) {
        guard let program, let reading else { return }
        let whole = bytes.withUnsafeBytes { LoadedSnapshot.parse($0, source: "fuzz.json") }
        let read = bytes.withUnsafeBytes { LoadedSnapshot.parse($0, source: "fuzz.json", reading: reading) }
        switch (whole, read) {
        case (.failure(let a), .failure(let b)):
            precondition(a.description == b.description, "reading only what the rules read changed the error: \(a) / \(b)")
        case (.success(let w), .success(let r)):
            let results = [w, r].map { snap in
                let run = Runner.run(program, SnapshotPlan(units: [.loaded([snap])], errors: []), jobs: 1)
                let doc = ResultsDocument(run: run, failOn: .info)
                _ = doc.json()
                return doc.entries.map { e in "\(e.rule) \(e.verdict) \(e.message ?? "") \(e.evidence.map { "\($0)" })" } + doc.inputErrors.map(\.description)
            }
            precondition(results[0] == results[1], "reading only what the rules read changed the results")
        default:
            preconditionFailure("reading only what the rules read changed whether the snapshot loads")
        }
    }

    /// A results/v1 document, as `gavel report`, `verify` and `diff` read it.
    public static func results(_ bytes: [UInt8]) {
        _ = try? ResultsDocument.read(bytes: bytes, file: "fuzz.json")
    }

    /// A baseline (or a results document given as one).
    public static func baseline(_ bytes: [UInt8]) {
        let path = scratch + "/baseline.json"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        _ = Baseline.load(path)
    }
}
