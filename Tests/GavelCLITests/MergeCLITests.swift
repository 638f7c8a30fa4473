import Foundation
import XCTest

/// `gavel eval --shard I/N` and `gavel merge`: shards of the sample fleet merge into the
/// document one run writes, and what cannot be merged is refused by name.
extension CLITests {
    private func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func testShardsMergeIntoTheDocumentOneRunWrites() throws {
        let dir = tempDir()
        let snapshots = Self.repo + "/Snapshots"
        let policies = Self.repo + "/Policies"
        let full = try gavel(["eval", "--policies", policies, "--snapshots", snapshots, "--format", "json", "-o", dir + "/full.json", "--fail-on", "none"])
        XCTAssertEqual(full.code, 0, full.err)
        var assets: [String] = []
        for i in 1...3 {
            let r = try gavel(
                [
                    "eval", "--policies", policies, "--snapshots", snapshots, "--shard", "\(i)/3", "--format", "json", "-o", dir + "/s\(i).json", "--fail-on",
                    "none",
                ])
            XCTAssertEqual(r.code, 0, "shard \(i): \(r.err)")
            let doc = try json(dir + "/s\(i).json")
            XCTAssertEqual((doc["run"] as! [String: Any])["shard"] as? String, "\(i)/3")
            assets += Set((doc["results"] as! [[String: Any]]).map { $0["asset"] as! String })
        }
        XCTAssertEqual(
            assets.sorted(), ["clinic-a.example.com", "clinic-b.example.com", "northwind-telehealth.myshopify.com", "pharmacy-c.example.com"],
            "each asset in one shard")
        let m = try gavel(["merge", dir + "/s1.json", dir + "/s2.json", dir + "/s3.json", "-o", dir + "/merged.json"])
        XCTAssertEqual(m.code, 0, m.err)
        let (a, b) = (try json(dir + "/full.json"), try json(dir + "/merged.json"))
        for key in ["results", "controls", "summary", "rules", "waivers", "attestations", "coverage"] {
            XCTAssertEqual(a[key] as? NSObject, b[key] as? NSObject, "\(key) as one run has it")
        }
        let (runA, runB) = (a["run"] as! [String: Any], b["run"] as! [String: Any])
        for key in ["snapshots", "policy_digest", "policy_files", "as_of", "fail_on"] { XCTAssertEqual(runA[key] as? NSObject, runB[key] as? NSObject, key) }
        XCTAssertNil(runB["shard"])
        XCTAssertEqual(try gavel(["verify", dir + "/merged.json"]).code, 0, "its digest is its own")
        // A gate on the merged results: the samples fail high rules.
        XCTAssertEqual(try gavel(["merge", dir + "/s1.json", dir + "/s2.json", dir + "/s3.json", "--fail-on", "high"]).code, 1)

        let refusals: [([String], String)] = [
            ([dir + "/s1.json", dir + "/s2.json"], "error[shard-missing]: shard 3/3 missing"),
            ([dir + "/s1.json", dir + "/s1.json", dir + "/s2.json"], "error[shard-overlap]: "),
            ([dir + "/full.json", dir + "/s1.json"], "error[shard-mismatch]: "),
        ]
        for (args, message) in refusals {
            let r = try gavel(["merge"] + args + ["-o", dir + "/no.json"])
            XCTAssertEqual(r.code, 3, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains(message), "\(args): \(r.err)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/no.json"))
        }
        // A shard of another policy set (one file changed).
        try FileManager.default.copyItem(atPath: policies, toPath: dir + "/Policies")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/Policies/php/session.yaml"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("# changed\n".utf8))
        try handle.close()
        let other = try gavel(
            [
                "eval", "--policies", dir + "/Policies", "--snapshots", snapshots, "--shard", "3/3", "--format", "json", "-o", dir + "/other.json", "--fail-on",
                "none",
            ])
        XCTAssertEqual(other.code, 0, other.err)
        let mixed = try gavel(["merge", dir + "/s1.json", dir + "/s2.json", dir + "/other.json"])
        XCTAssertEqual(mixed.code, 3)
        XCTAssertTrue(mixed.err.contains("error[shard-mismatch]: ") && mixed.err.contains("policy digest"), mixed.err)
    }

    func testAShardIsAskedForAsIOverN() throws {
        for bad in ["0/3", "4/3", "three"] {
            let r = try gavel(["eval", "--policies", Self.repo + "/Policies", "--snapshots", Self.repo + "/Snapshots", "--shard", bad])
            XCTAssertEqual(r.code, 2, bad)
            XCTAssertTrue(r.err.contains("--shard must be I/N"), r.err)
        }
        let store = try gavel(["eval", "--snapshots", Self.repo + "/Snapshots", "--shard", "1/2", "--store", tempDir() + "/h.sqlite"])
        XCTAssertEqual(store.code, 2)
        XCTAssertTrue(store.err.contains("record the merged results"), store.err)
    }

    /// A folder not named after its asset would be evaluated by the shard of its name, not
    /// the asset's: that shard says so instead of evaluating it (or of no shard evaluating it).
    func testAFolderNamedOtherwiseThanItsAssetIsReported() throws {
        let dir = tempDir()
        try FileManager.default.copyItem(atPath: Self.repo + "/Snapshots/clinic-a.example.com", toPath: dir + "/renamed")
        var codes: [Int32] = []
        var said = ""
        for i in 1...2 {
            let r = try gavel(["eval", "--policies", Self.repo + "/Policies", "--snapshots", dir, "--shard", "\(i)/2", "--fail-on", "none"])
            codes.append(r.code)
            said += r.err
        }
        // "renamed" and "clinic-a.example.com" fall in different shards of 2 (checked: sha256).
        XCTAssertEqual(codes.sorted(), [0, 3], said)
        XCTAssertTrue(said.contains("error[shard-folder]: the snapshots in folder renamed are of asset \"clinic-a.example.com\""), said)
    }
}
