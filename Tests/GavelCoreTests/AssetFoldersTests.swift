import Foundation
import XCTest

@testable import GavelCore

final class AssetFoldersTests: XCTestCase {
    func folders() throws -> AssetFolders {
        try AssetFolders(NSTemporaryDirectory() + "gavel-assets-\(UUID().uuidString)/snapshots")
    }

    func file(_ text: String) -> Data { Data(text.utf8) }

    func list(_ f: AssetFolders, _ sub: String = "") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: f.root + sub).sorted()
    }

    func testAFolderIsReplacedWholeAndTheOldOneKept() throws {
        let f = try folders()
        try f.replace([("a", [("php.json", file("1")), ("nginx.json", file("1"))])])
        try f.replace([("a", [("php.json", file("2"))])])
        XCTAssertEqual(try list(f, "/a"), ["php.json"], "no file of the old folder is left beside the new")
        XCTAssertEqual(try String(contentsOfFile: f.root + "/a/php.json", encoding: .utf8), "2")
        XCTAssertEqual(try list(f, "/.gavel-previous/a"), ["nginx.json", "php.json"])
        XCTAssertEqual(try list(f), [".gavel-previous", "a"], "no staging folder left")
        try f.replace([("a", [("php.json", file("3"))])], keepOld: false)
        XCTAssertEqual(try String(contentsOfFile: f.root + "/.gavel-previous/a/php.json", encoding: .utf8), "1", "not kept: the previous generation stays")
    }

    func testTheExchangeIsOneStep() throws {
        let f = try folders()
        try FileManager.default.createDirectory(atPath: f.root + "/x", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: f.root + "/y", withIntermediateDirectories: true)
        try file("x").write(to: URL(fileURLWithPath: f.root + "/x/f"))
        XCTAssertTrue(AssetFolders.exchange(f.root + "/x", f.root + "/y"), "renameat2 is there on this kernel and file system")
        XCTAssertTrue(FileManager.default.fileExists(atPath: f.root + "/y/f"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.root + "/x/f"))
    }

    func testAnOwnerRetiresWhatItNoLongerHasAndLeavesOthersAlone() throws {
        let f = try folders()
        try f.replace([("s1", [("nginx.json", file("1"))]), ("s2", [("nginx.json", file("1"))])], owner: "web-1", outcome: "ok", at: "T1", lastGood: "T1")
        try f.replace([("store", [("shopify.json", file("1"))])])
        try f.replace([("s1", [("nginx.json", file("2"))])], owner: "web-1", outcome: "ok", at: "T2", lastGood: "T2")
        XCTAssertEqual(try list(f).filter { !$0.hasPrefix(".") }, ["s1", "store"])
        XCTAssertEqual(try list(f, "/.gavel-previous"), ["s1", "s2"])
        XCTAssertEqual(f.ownership(of: "web-1"), .init(owner: "web-1", assets: ["s1"], outcome: "ok", at: "T2", lastGood: "T2"))
        XCTAssertNil(f.ownership(of: "web-2"))
        // An asset another owner took over is not retired.
        try f.replace([], owner: "web-1", outcome: "ok", at: "T3", lastGood: "T3", keeping: ["s1"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: f.root + "/s1/nginx.json"))
        XCTAssertEqual(f.owners().map(\.owner), ["web-1"])
    }

    func testAFailedWriteChangesNothing() throws {
        let f = try folders()
        try f.replace([("a", [("php.json", file("1"))])])
        XCTAssertThrowsError(try f.replace([("a", [("php.json", file("2"))]), ("b", [("sub/x.json", file("2"))])]))
        XCTAssertEqual(try String(contentsOfFile: f.root + "/a/php.json", encoding: .utf8), "1", "nothing is installed when any asset could not be written")
        XCTAssertEqual(try list(f), ["a"])
    }
}
