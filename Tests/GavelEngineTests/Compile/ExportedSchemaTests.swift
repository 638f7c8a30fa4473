import Foundation
import GavelCore
import GavelYAML
import XCTest

@testable import GavelEngine

/// docs/snapshots/KIND.schema.json are the collectors' schemas, exported; read back as a
/// schema of one's own they allow exactly the same paths.
final class ExportedSchemaTests: XCTestCase {
    static let docs =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/docs/snapshots"

    func testTheExportedSchemasAreTheCode() throws {
        for kind in SnapshotKinds.builtIn {
            let file = Self.docs + "/\(kind).schema.json"
            let written = try String(contentsOfFile: file, encoding: .utf8)
            let now = JSONWriter.string(JSONSchemaExport.document(kind: kind, data: SnapshotSchemas.schema(for: kind)!), pretty: true) + "\n"
            XCTAssertEqual(written, now, "\(file) is stale: regenerate it with `gavel schema \(kind) > \(file)`")
        }
    }

    func testReadBackTheyAllowTheSamePaths() throws {
        for kind in SnapshotKinds.builtIn {
            let file = Self.docs + "/\(kind).schema.json"
            let diags = DiagnosticBag()
            var reader = JSONSchemaReader(file: file, diags: diags)
            let root = try YAMLParser.parse(try String(contentsOfFile: file, encoding: .utf8), file: file)
            let type = try XCTUnwrap(reader.read(root), "\(diags.items)")
            XCTAssertTrue(type.sameShape(as: SnapshotSchemas.schema(for: kind)!), "\(kind) read back differs")
        }
        // And a copy under another kind's name is that kind's schema in a policy set.
        let php = try String(contentsOfFile: Self.docs + "/php.schema.json", encoding: .utf8)
        let files = ["p.yaml": policy("{ path: legacy-php.versoin, exists: true }", kind: "legacy-php"), "schemas/legacy-php.schema.json": php]
        XCTAssertEqual(compile(files).errors.map(\.id), ["unknown-field"])
        XCTAssertEqual(
            compile(["p.yaml": policy("{ path: legacy-php.ini.x, exists: true }", kind: "legacy-php"), "schemas/legacy-php.schema.json": php]).errors, [])
    }
}
