import Foundation
import GavelCore
import GavelResults
import XCTest

@testable import GavelEngine

/// The PCI DSS v4.0 catalog: the requirements a web store's configuration can show have rules,
/// the ones that rest on processes are manual (judged by attestations), and every shipped rule
/// counts toward one that has rules.
final class PCIDSSCatalogTests: XCTestCase {
    func testEveryRuleMapsToAnAutomatedRequirementAndManualOnesHaveNoRules() throws {
        let program = try XCTUnwrap(Compiler.compile(path: ISOEditionsTests.repo + "/Policies").program)
        let catalog = try XCTUnwrap(program.catalogs.first { $0.framework == "pci-dss-4.0" })
        let manual = Set(catalog.controls.filter(\.manual).map(\.id))
        let ids = Set(catalog.controls.map(\.id))
        for required in ["2.2", "4.2", "6.3", "6.4.3", "8.3", "8.4", "10.2", "10.5", "11.6"] { XCTAssertTrue(ids.contains(required), required) }
        var covered: Set<String> = []
        for rule in program.rules {
            let pci = rule.controls.filter { $0.framework == "pci-dss-4.0" }.map(\.id)
            // Only the privacy rules (cookie consent, data-sale opt-out, SOC 2's P criteria)
            // concern no cardholder data and so no PCI DSS requirement.
            let privacyOnly = rule.controls.contains { $0.framework == "soc2" && $0.id.hasPrefix("P") }
            XCTAssertTrue(!pci.isEmpty || privacyOnly, "\(rule.id) counts toward no PCI DSS requirement")
            for id in pci {
                XCTAssertFalse(manual.contains(id), "\(rule.id) maps to \(id), which is judged by attestation only")
                covered.insert(id)
            }
        }
        XCTAssertEqual(covered.union(manual), ids, "every requirement has rules or is manual")
    }
}
