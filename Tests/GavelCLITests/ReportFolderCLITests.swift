import Foundation
import XCTest

/// `gavel report --layout folder -o DIR`: the report of a fleet as a folder of pages, with a
/// manifest; what is in the way is refused, a report written before is replaced.
extension CLITests {
    func files(under dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { p in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: dir + "/" + p, isDirectory: &isDir) && !isDir.boolValue
        }.sorted()
    }

    func testReportAsAFolderHasAPagePerControlAndAssetAndAManifestOfThemAll() throws {
        let dir = try evaluatedCopy()
        let r = try gavel(["report", "results.json", "--layout", "folder", "-o", "report"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        let doc = try jsonObject(dir + "/results.json")
        let written = files(under: dir + "/report")
        XCTAssertEqual(written.filter { $0.hasPrefix("controls/") }.count, (doc["controls"] as! [Any]).count)
        XCTAssertEqual(
            Set(written.filter { $0.hasPrefix("assets/") }),
            Set(((doc["run"] as! [String: Any])["snapshots"] as! [[String: Any]]).map { "assets/\($0["asset"] as! String).html" }),
            "the shipped assets' names are safe file names as they are")
        // The manifest lists every other file with its digest and size, and the document's digest.
        let manifest = try jsonObject(dir + "/report/manifest.json")
        XCTAssertEqual(manifest["gavel"] as? String, "report-folder/v1")
        XCTAssertEqual(manifest["results_sha256"] as? String, doc["document_sha256"] as? String)
        let listed = manifest["files"] as! [[String: Any]]
        XCTAssertEqual(listed.map { $0["path"] as! String }.sorted(), written.filter { $0 != "manifest.json" })
        // Readable by its owner only, like every file Gavel writes.
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/report/index.html")
        XCTAssertEqual((attrs[.posixPermissions] as! NSNumber).intValue & 0o077, 0)
        var sums = ""
        for f in listed {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/report/" + (f["path"] as! String)))
            XCTAssertEqual(f["bytes"] as? Int, data.count)
            sums += "\(f["sha256"] as! String)  \(f["path"] as! String)\n"
        }
        try sums.write(toFile: dir + "/sums", atomically: true, encoding: .utf8)
        XCTAssertTrue(try sh("cd report && sha256sum --quiet -c ../sums && echo checked", in: dir).contains("checked"))
        // The check can fail: an edited page is caught.
        try "edited".write(toFile: dir + "/report/index.html", atomically: true, encoding: .utf8)
        XCTAssertTrue(try sh("cd report && sha256sum --quiet -c ../sums 2>&1 || echo caught", in: dir).contains("index.html: FAILED"))
    }

    func testReportAsAFolderRefusesAFolderItDidNotWriteAndReplacesOneItDid() throws {
        let dir = try evaluatedCopy()
        // A folder of the user's is left alone.
        try FileManager.default.createDirectory(atPath: dir + "/mine", withIntermediateDirectories: true)
        try "notes".write(toFile: dir + "/mine/notes.txt", atomically: true, encoding: .utf8)
        var r = try gavel(["report", "results.json", "--layout", "folder", "-o", "mine"], cwd: dir)
        XCTAssertEqual(r.code, 3, r.err)
        XCTAssertTrue(r.err.contains("error[output]") && r.err.contains("is not a report Gavel wrote"), r.err)
        XCTAssertEqual(files(under: dir + "/mine"), ["notes.txt"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".mine") }, [], "no temporary folder left")
        // A file in the way, too.
        r = try gavel(["report", "results.json", "--layout", "folder", "-o", "results.json"], cwd: dir)
        XCTAssertNotEqual(r.code, 0)
        XCTAssertNotNil(try jsonObject(dir + "/results.json")["controls"], "the results file is untouched")

        // A report written before is replaced whole: pages of assets no longer reported go.
        r = try gavel(["report", "results.json", "--layout", "folder", "-o", "report"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(files(under: dir + "/report").contains("assets/clinic-a.example.com.html"))
        r = try gavel(["report", "results.json", "--layout", "folder", "-o", "report", "--asset", "clinic-b.*"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        let now = files(under: dir + "/report")
        XCTAssertEqual(now.filter { $0.hasPrefix("assets/") }, ["assets/clinic-b.example.com.html"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".report") }, [])
        // A file the user added to the report folder makes it theirs.
        try "my notes".write(toFile: dir + "/report/notes.txt", atomically: true, encoding: .utf8)
        r = try gavel(["report", "results.json", "--layout", "folder", "-o", "report"], cwd: dir)
        XCTAssertEqual(r.code, 3, r.err)
        XCTAssertEqual(try String(contentsOfFile: dir + "/report/notes.txt", encoding: .utf8), "my notes")
        try FileManager.default.removeItem(atPath: dir + "/report/notes.txt")
        // So does an input inside it: the results read from the folder to be replaced.
        try FileManager.default.copyItem(atPath: dir + "/results.json", toPath: dir + "/report/results.json")
        r = try gavel(["report", "report/results.json", "--layout", "folder", "-o", "report"], cwd: dir)
        XCTAssertEqual(r.code, 2, r.err)
        XCTAssertTrue(r.err.contains("holds report/results.json, which this command reads"), r.err)
        // An empty folder is used.
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        XCTAssertEqual(try gavel(["report", "results.json", "--layout", "folder", "-o", "empty"], cwd: dir).code, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/empty/index.html"))
    }

    func testReportAsAFolderNeedsAFolderAndHTML() throws {
        let dir = try evaluatedCopy()
        var r = try gavel(["report", "results.json", "--layout", "folder"], cwd: dir)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("--layout folder needs -o DIR"), r.err)
        r = try gavel(["report", "results.json", "--layout", "folder", "--format", "csv", "-o", "x"], cwd: dir)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("--layout folder is for --format html"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x"))
    }
}
