import Foundation
import XCTest

@testable import GavelCollectors

/// Reading a machine under --root: links are followed inside the image, as the machine
/// would follow them, never out to the files of the machine doing the reading.
final class RootPathTests: XCTestCase {
    func image() throws -> String {
        let root = NSTemporaryDirectory() + "gavel-rootpath-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/etc/nginx/sites-available", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/etc/nginx/sites-enabled", withIntermediateDirectories: true)
        try "server {}\n".write(toFile: root + "/etc/nginx/sites-available/shop", atomically: true, encoding: .utf8)
        // Debian's layout: an absolute link, which on the reading machine points elsewhere.
        try fm.createSymbolicLink(atPath: root + "/etc/nginx/sites-enabled/shop", withDestinationPath: "/etc/nginx/sites-available/shop")
        try fm.createSymbolicLink(atPath: root + "/etc/nginx/sites-enabled/rel", withDestinationPath: "../sites-available/shop")
        try fm.createSymbolicLink(atPath: root + "/etc/conf", withDestinationPath: "nginx")
        try fm.createSymbolicLink(atPath: root + "/etc/up", withDestinationPath: "../../../../../../etc/nginx")
        try fm.createSymbolicLink(atPath: root + "/etc/loop", withDestinationPath: "/etc/loop")
        addTeardownBlock { try? fm.removeItem(atPath: root) }
        return root
    }

    func testLinksResolveInsideTheImage() throws {
        let root = try image()
        XCTAssertEqual(RootPath.resolve(root, "/etc/nginx/sites-enabled/shop"), "/etc/nginx/sites-available/shop")
        XCTAssertEqual(RootPath.join(root, "/etc/nginx/sites-enabled/shop"), root + "/etc/nginx/sites-available/shop")
        XCTAssertEqual(RootPath.resolve(root, "/etc/nginx/sites-enabled/rel"), "/etc/nginx/sites-available/shop")
        XCTAssertEqual(RootPath.resolve(root, "/etc/conf/sites-enabled/shop"), "/etc/nginx/sites-available/shop", "a linked folder too")
        XCTAssertEqual(RootPath.resolve(root, "/etc/up/sites-available/shop"), "/etc/nginx/sites-available/shop", "'..' stops at the root")
        XCTAssertEqual(try String(contentsOfFile: RootPath.join(root, "/etc/nginx/sites-enabled/shop"), encoding: .utf8), "server {}\n")
    }

    func testTheLiveMachineAndPlainPathsAreUnchanged() throws {
        let root = try image()
        XCTAssertEqual(RootPath.join("/", "/etc/nginx/sites-enabled/shop"), "/etc/nginx/sites-enabled/shop", "the kernel follows links on /")
        XCTAssertEqual(RootPath.join(root, "/etc/nginx/"), root + "/etc/nginx/")
        XCTAssertEqual(RootPath.join(root + "/", "/missing/file"), root + "/missing/file")
        XCTAssertEqual(RootPath.resolve(root, "/etc/loop"), "/etc/loop", "a loop stops after 40 links")
    }

    func testNginxIncludesThroughDebianLinksUnderRoot() throws {
        let root = try image()
        try "http { include /etc/nginx/sites-enabled/*; }\n".write(toFile: root + "/etc/nginx/nginx.conf", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/nginx/sites-enabled/gone", withDestinationPath: "/etc/nginx/sites-available/gone")
        var reader = NginxConfigReader(prefix: "/etc/nginx", source: NginxDiskFiles(root: root))
        XCTAssertThrowsError(try reader.read(main: "/etc/nginx/nginx.conf"), "a dangling link fails as it does for nginx") { error in
            XCTAssertTrue("\(error)".contains("sites-enabled/gone"), "\(error)")
        }
        try FileManager.default.removeItem(atPath: root + "/etc/nginx/sites-enabled/gone")
        var again = NginxConfigReader(prefix: "/etc/nginx", source: NginxDiskFiles(root: root))
        XCTAssertNoThrow(try again.read(main: "/etc/nginx/nginx.conf"))
        XCTAssertEqual(again.files, ["/etc/nginx/nginx.conf", "/etc/nginx/sites-enabled/rel", "/etc/nginx/sites-enabled/shop"])
    }
}
