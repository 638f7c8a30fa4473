import Foundation
import GavelCore
import XCTest

@testable import GavelEngine

/// How a folder of snapshots becomes units of work: one unit per asset folder, its
/// `*.json` files found at any depth in a stable order, hidden names and other files skipped.
final class SnapshotSourcesTests: XCTestCase {
    private func snapshot(_ asset: String, _ kind: String) -> String {
        "{\"gavel\": \"snapshot/v1\", \"asset\": \"\(asset)\", \"kind\": \"\(kind)\", \"data\": {}}"
    }

    func testFilesAtAnyDepthSortedByTheirPathBelowTheFolder() throws {
        let dir = writeTree([
            "a/php.json": snapshot("a", "php"),
            "a/web/nginx.json": snapshot("a", "nginx"),
            "a/web/z/hosting.json": snapshot("a", "hosting"),
            "a/b.json": snapshot("a", "wordpress"),
            "a/notes.txt": "not a snapshot",
            "a/php.json.bak": "not a snapshot either",
            "a/.cache/stale.json": "{ not even JSON",
            "a/.hidden.json": "{ not even JSON",
        ])
        let files = try SnapshotUnit.jsonFiles(under: dir + "/a").get()
        XCTAssertEqual(
            files.map { String($0.dropFirst(dir.count + 3)) },
            ["b.json", "php.json", "web/nginx.json", "web/z/hosting.json"])
    }

    func testEachAssetFolderIsOneUnitThatMergesItsKinds() throws {
        let dir = writeTree([
            "b/php.json": snapshot("b", "php"),
            "a/php.json": snapshot("a", "php"),
            "a/deep/nginx.json": snapshot("a", "nginx"),
            ".git/config.json": "{ ignored",
        ])
        let plan = SnapshotPlan.make([dir])
        XCTAssertTrue(plan.errors.isEmpty, "\(plan.errors)")
        let assets = try plan.units.map { try $0.load().get() }
        XCTAssertEqual(assets.map(\.name), ["a", "b"])
        XCTAssertEqual(assets[0].snapshots.map(\.kind).sorted(), ["nginx", "php"])
    }

    func testAnAssetFolderLinkedIntoTheFleetFolderIsFollowed() throws {
        let dir = writeTree(["elsewhere/a/php.json": snapshot("a", "php"), "fleet/b/php.json": snapshot("b", "php")])
        XCTAssertEqual(symlink(dir + "/elsewhere/a", dir + "/fleet/a"), 0)
        let plan = SnapshotPlan.make([dir + "/fleet"])
        XCTAssertTrue(plan.errors.isEmpty, "\(plan.errors)")
        XCTAssertEqual(try plan.units.map { try $0.load().get().name }, ["a", "b"])
    }

    func testAFolderWithoutSnapshotsIsAnErrorNamingIt() {
        let dir = writeTree(["empty/readme.txt": "nothing here"])
        guard case .failure(let e) = SnapshotPlan.make([dir]).units.first?.load() else {
            return XCTFail("an asset folder without snapshots must not load")
        }
        XCTAssertEqual(e.id, "no-snapshots")
        XCTAssertEqual(e.location?.file, dir + "/empty")
    }

    func testAFolderThatVanishedBeforeItsTurnIsAnError() {
        let dir = writeTree(["a/php.json": snapshot("a", "php")])
        let plan = SnapshotPlan.make([dir])
        try? FileManager.default.removeItem(atPath: dir + "/a")
        guard case .failure(let e) = plan.units.first?.load() else {
            return XCTFail("a folder that cannot be listed must be reported")
        }
        XCTAssertEqual(e.id, "unreadable")
        XCTAssertEqual(e.location?.file, dir + "/a")
        XCTAssertTrue(e.message.contains("No such file"), e.message)
    }

    func testAnUnreadableSubfolderIsAnErrorNotASmallerAsset() throws {
        try XCTSkipIf(getuid() == 0, "root reads every folder whatever its mode")
        let dir = writeTree(["a/php.json": snapshot("a", "php"), "a/locked/nginx.json": snapshot("a", "nginx")])
        chmod(dir + "/a/locked", 0)
        defer { chmod(dir + "/a/locked", 0o755) }
        guard case .failure(let e) = SnapshotUnit.jsonFiles(under: dir + "/a") else {
            return XCTFail("a folder that cannot be listed must be reported")
        }
        XCTAssertEqual(e.id, "unreadable")
        XCTAssertEqual(e.location?.file, dir + "/a/locked")
    }
}
