import Foundation
import XCTest

/// Waivers and attestations through the binary: the same rule in eval and diff, the exit
/// codes, and the warnings about what lapses.
extension CLITests {
    /// A copy of the shipped policies with a waivers file.
    private func policiesWithWaivers(_ waivers: String) throws -> String {
        let dir = tempDir() + "/Policies"
        try FileManager.default.copyItem(atPath: CLITests.repo + "/Policies", toPath: dir)
        try ("gavel: waivers/v1\nwaivers:\n" + waivers).write(toFile: dir + "/waivers.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    private var sessionWaiver: String {
        """
          - rule: PHP-SESS-001
            assets: [clinic-b.example.com]
            reason: Checkout moves to HTTPS-only cookies with the December release
            approved_by: security@clinic-b.example.com
            expires: 2026-12-31

        """
    }

    func testAWaiverInForceWaivesAndAnExpiredOneIsIgnoredEverywhere() throws {
        let policies = try policiesWithWaivers(sessionWaiver)
        func verdict(_ r: Run) throws -> String {
            let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
            let e = (doc["results"] as! [[String: Any]]).first { $0["rule"] as? String == "PHP-SESS-001" && $0["asset"] as? String == "clinic-b.example.com" }!
            return e["verdict"] as! String
        }
        let inForce = try gavel(["eval", "--policies", policies, "--format", "json", "--as-of", "2026-12-31"])
        XCTAssertEqual(try verdict(inForce), "waived")
        XCTAssertTrue(inForce.err.contains("warning: waiver of PHP-SESS-001 for clinic-b.example.com"), inForce.err)
        XCTAssertTrue(inForce.err.contains("expires 2026-12-31 (in 0 days)"), inForce.err)
        let text = try gavel(["eval", "--policies", policies, "--as-of", "2026-12-01", "--warn-expiring", "0"])
        XCTAssertTrue(
            text.out.contains("WAIVED high     PHP-SESS-001  clinic-b.example.com  until 2026-12-31, approved by security@clinic-b.example.com"), text.out)
        XCTAssertFalse(text.err.contains("warning: waiver"), "--warn-expiring 0 warns only about expired ones")

        let expired = try gavel(["eval", "--policies", policies, "--format", "json", "--as-of", "2027-01-01"])
        XCTAssertEqual(try verdict(expired), "fail")
        XCTAssertTrue(expired.err.contains("expired on 2026-12-31"), expired.err)
        // diff: adding the expired waiver changes nothing; adding it while in force waives.
        let same = try gavel(["diff", "--base", "Policies", "--head", policies, "--as-of", "2027-01-01", "--gate", "changes"])
        XCTAssertEqual(same.code, 0, same.out)
        XCTAssertTrue(same.out.contains("no verdict, control or rule changes"), same.out)
        let waived = try gavel(["diff", "--base", "Policies", "--head", policies, "--as-of", "2026-12-01"])
        XCTAssertEqual(waived.code, 0, "a newly waived failure is no regression")
        XCTAssertTrue(waived.out.contains("newly waived (1)"), waived.out)
        XCTAssertTrue(waived.out.contains("PHP-SESS-001  clinic-b.example.com  fail -> waived"), waived.out)
    }

    func testWaiverMistakesAreErrorsWithPositions() throws {
        let unknownAsset = try policiesWithWaivers(sessionWaiver.replacingOccurrences(of: "clinic-b.example.com]", with: "clinic-z.example.com]"))
        var r = try gavel(["eval", "--policies", unknownAsset])
        XCTAssertEqual(r.code, 2, r.err)
        XCTAssertTrue(
            r.err.contains(
                "/Policies/waivers.yaml:3:5: error[unknown-asset]: waiver for PHP-SESS-001 names asset 'clinic-z.example.com', which matches no asset of this run; did you mean 'clinic-a.example.com'?"
            ), r.err)
        let unknownRule = try policiesWithWaivers(sessionWaiver.replacingOccurrences(of: "PHP-SESS-001", with: "PHP-SES-001"))
        r = try gavel(["check", unknownRule])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("waivers.yaml:3:11: error[unknown-rule]: waiver for unknown rule 'PHP-SES-001'; did you mean 'PHP-SESS-001'?"), r.err)
        r = try gavel(["eval", "--as-of", "2026-13-01"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("--as-of must be a date written YYYY-MM-DD"), r.err)
    }
}

extension CLITests {
    func testCoverageListsEveryControlOfEveryCatalog() throws {
        let r = try gavel(["coverage", "--format", "json"])
        XCTAssertEqual(r.code, 0, r.err)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let frameworks = doc["frameworks"] as! [[String: Any]]
        XCTAssertEqual(frameworks.map { $0["framework"] as! String }, ["hipaa", "iso27001-2013", "iso27001-2022", "pci-dss-4.0", "soc2"])
        let soc2 = (frameworks[4]["controls"] as! [[String: Any]])
        // Both editions of ISO/IEC 27001 answer for the same rule: A.8.24 is A.10.1.1 in 2013.
        func rules(_ framework: Int, _ control: String) -> [String]? {
            ((frameworks[framework]["controls"] as! [[String: Any]]).first { $0["control"] as? String == control })?["rules"] as? [String]
        }
        XCTAssertEqual(rules(1, "A.10.1.1").map(Set.init), rules(2, "A.8.24").map(Set.init))
        XCTAssertTrue(rules(1, "A.9.4.2")?.contains("HOST-SSH-002") ?? false)
        let cc61 = soc2.first { $0["control"] as? String == "CC6.1" }!
        XCTAssertEqual(cc61["covered_by"] as? String, "automated")
        XCTAssertTrue((cc61["rules"] as! [String]).contains("PHP-SESS-002"))
        let total = frameworks.reduce(0) { $0 + ($1["controls"] as! [Any]).count }
        let neither = frameworks.reduce(0) { $0 + ($1["neither"] as! Int) }
        // The manual controls that ship (PCI DSS's process requirements) are gaps until attested.
        let unattested = frameworks.reduce(0) { $0 + ($1["manual"] as! Int) - ($1["attested"] as! Int) }
        XCTAssertEqual(frameworks[3]["manual"] as? Int, 27)
        XCTAssertEqual(doc["gaps"] as? Int, neither + unattested, "a gap is a control without rules or a manual one not attested")
        XCTAssertGreaterThan(total, neither)
        let strict = try gavel(["coverage", "--require-coverage"])
        XCTAssertEqual(strict.code, 1, "the shipped catalogs have controls no rule covers")
        XCTAssertTrue(strict.out.contains("  automated CC6.1 "), strict.out)
    }
}
