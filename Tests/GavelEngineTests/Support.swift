import Foundation
import GavelCore
import XCTest

@testable import GavelEngine

/// A small controls catalog every test policy can map to.
let testCatalog = """
    gavel: controls/v1
    framework: t
    title: Test framework
    controls:
      - { id: C1, title: First }
      - { id: C2, title: Second }
    """

/// Writes `files` (relative path -> text) into a fresh folder and returns it.
func writeTree(_ files: [String: String]) -> String {
    let dir = NSTemporaryDirectory() + "gavel-test-\(UUID().uuidString)"
    for (rel, text) in files {
        let path = dir + "/" + rel
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return dir
}

/// `schemaless` compiles without the kinds' data schemas, for tests of evaluation over
/// shapes no collector writes (a snapshot from elsewhere can still have them).
func compile(_ files: [String: String], catalog: Bool = true, schemaless: Bool = false) -> Compiler.Output {
    var all = files
    if catalog, all["controls.yaml"] == nil { all["controls.yaml"] = testCatalog }
    return schemaless ? Compiler.compile(path: writeTree(all), schemas: { _ in nil }) : Compiler.compile(path: writeTree(all))
}

/// A one-rule policy around `check` (YAML, indented for the `check:` key), of kind `kind`.
func policy(_ check: String, kind: String = "php", params: String = "", when: String? = nil) -> String {
    """
    gavel: policy/v1
    id: test.policy
    kind: \(kind)
    \(params.isEmpty ? "" : "params:\n" + params.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    rules:
      - id: R1
        title: Rule under test
        severity: high
        controls: [t:C1]
    \(when.map { "    when:\n" + indent($0, 6) } ?? "")
        check:
    \(indent(check, 6))
        remediation: { summary: Fix it. }
    """
}

func indent(_ s: String, _ n: Int) -> String {
    s.split(separator: "\n", omittingEmptySubsequences: false).map { String(repeating: " ", count: n) + $0 }.joined(separator: "\n")
}

/// Compiles a one-rule policy and evaluates it on `asset` (a merged document).
func verdict(
    _ check: String, _ asset: Value, kind: String = "php", params: String = "", when: String? = nil, schemaless: Bool = false,
    file: StaticString = #filePath, line: UInt = #line
) -> RuleOutcome? {
    let out = compile(["p.yaml": policy(check, kind: kind, params: params, when: when)], schemaless: schemaless)
    guard let program = out.program else {
        XCTFail("compile failed: \(out.diagnostics.map(\.description))", file: file, line: line)
        return nil
    }
    return RuleEvaluator.evaluate(program.rules[0], on: AssetView(name: "a", merged: asset))
}

/// Error IDs and positions (`L:C id`) for a set of policy files.
func errors(_ files: [String: String]) -> [String] {
    compile(files).errors.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.id)" }
}

func php(_ ini: [(String, Value)], extra: [(String, Value)] = []) -> Value {
    .object([("php", .object([("ini", .object(ini))] + extra))])
}
