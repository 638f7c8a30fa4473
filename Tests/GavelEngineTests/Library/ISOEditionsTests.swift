import Foundation
import GavelCore
import GavelResults
import XCTest

@testable import GavelEngine

/// The shipped rules name their ISO/IEC 27001 controls in both editions; the 2013 ones must be
/// exactly the counterparts of the 2022 ones in the correspondence table of ISO/IEC
/// 27002:2022 Annex B, so that the two numberings can never say different things.
final class ISOEditionsTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// ISO/IEC 27002:2022 Annex B, 2022 control -> 2013 controls ("new" ones have none).
    static let correspondence: [String: [String]] = {
        let table = """
            5.1 5.1.1 5.1.2; 5.2 6.1.1; 5.3 6.1.2; 5.4 7.2.1; 5.5 6.1.3; 5.6 6.1.4; 5.7; 5.8 6.1.5 14.1.1; 5.9 8.1.1 8.1.2; 5.10 8.1.3 8.2.3;
            5.11 8.1.4; 5.12 8.2.1; 5.13 8.2.2; 5.14 13.2.1 13.2.2 13.2.3; 5.15 9.1.1 9.1.2; 5.16 9.2.1; 5.17 9.2.4 9.3.1 9.4.3;
            5.18 9.2.2 9.2.5 9.2.6; 5.19 15.1.1; 5.20 15.1.2; 5.21 15.1.3; 5.22 15.2.1 15.2.2; 5.23; 5.24 16.1.1; 5.25 16.1.4; 5.26 16.1.5;
            5.27 16.1.6; 5.28 16.1.7; 5.29 17.1.1 17.1.2 17.1.3; 5.30; 5.31 18.1.1 18.1.5; 5.32 18.1.2; 5.33 18.1.3; 5.34 18.1.4; 5.35 18.2.1;
            5.36 18.2.2 18.2.3; 5.37 12.1.1; 6.1 7.1.1; 6.2 7.1.2; 6.3 7.2.2; 6.4 7.2.3; 6.5 7.3.1; 6.6 13.2.4; 6.7 6.2.2; 6.8 16.1.2 16.1.3;
            7.1 11.1.1; 7.2 11.1.2 11.1.6; 7.3 11.1.3; 7.4; 7.5 11.1.4; 7.6 11.1.5; 7.7 11.2.9; 7.8 11.2.1; 7.9 11.2.6;
            7.10 8.3.1 8.3.2 8.3.3 11.2.5; 7.11 11.2.2; 7.12 11.2.3; 7.13 11.2.4; 7.14 11.2.7; 8.1 6.2.1 11.2.8; 8.2 9.2.3; 8.3 9.4.1;
            8.4 9.4.5; 8.5 9.4.2; 8.6 12.1.3; 8.7 12.2.1; 8.8 12.6.1 18.2.3; 8.9; 8.10; 8.11; 8.12; 8.13 12.3.1; 8.14 17.2.1;
            8.15 12.4.1 12.4.2 12.4.3; 8.16; 8.17 12.4.4; 8.18 9.4.4; 8.19 12.5.1 12.6.2; 8.20 13.1.1; 8.21 13.1.2; 8.22 13.1.3; 8.23;
            8.24 10.1.1 10.1.2; 8.25 14.2.1; 8.26 14.1.2 14.1.3; 8.27 14.2.5; 8.28; 8.29 14.2.8 14.2.9; 8.30 14.2.7; 8.31 12.1.4 14.2.6;
            8.32 12.1.2 14.2.2 14.2.3 14.2.4; 8.33 14.3.1; 8.34 12.7.1
            """
        var out: [String: [String]] = [:]
        for entry in table.split(separator: ";") {
            let words = entry.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { "A." + $0 }
            out[words[0]] = Array(words.dropFirst())
        }
        return out
    }()

    /// New in 2022: the 2013 control with the nearest objective (docs/LANGUAGE.md says which).
    static let nearest: [String: [String]] = ["A.8.9": ["A.12.6.1"], "A.8.28": ["A.14.2.1"], "A.8.12": ["A.13.2.1"]]

    func testTheTableIsComplete() {
        XCTAssertEqual(Self.correspondence.count, 93, "the 93 controls of the 2022 edition")
        XCTAssertEqual(Set(Self.correspondence.values.joined()).count, 114, "each of the 114 controls of 2013 exactly once")
    }

    func testEveryRuleNamesThe2013CounterpartsOfIts2022Controls() throws {
        let program = try XCTUnwrap(Compiler.compile(path: Self.repo + "/Policies").program)
        let catalog2013 = Set(program.catalogs.filter { $0.framework == "iso27001-2013" }.flatMap(\.controls).map(\.id))
        XCTAssertEqual(catalog2013.count, 114)
        XCTAssertEqual(catalog2013, Set(Self.correspondence.values.joined()))
        for rule in program.rules {
            let iso2022 = rule.controls.filter { $0.framework == "iso27001-2022" }.map(\.id)
            let iso2013 = Set(rule.controls.filter { $0.framework == "iso27001-2013" }.map(\.id))
            XCTAssertFalse(iso2022.isEmpty, "\(rule.id) names no ISO/IEC 27001:2022 control")
            let expected = Set(iso2022.flatMap { c in (Self.correspondence[c] ?? []).isEmpty ? (Self.nearest[c] ?? []) : Self.correspondence[c]! })
            XCTAssertFalse(expected.isEmpty, "\(rule.id): \(iso2022) has no 2013 counterpart; add the nearest to `nearest` and to docs/LANGUAGE.md")
            XCTAssertEqual(iso2013, expected, rule.id)
        }
    }
}
