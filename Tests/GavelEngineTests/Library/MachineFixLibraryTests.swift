import Foundation
import GavelCore
import XCTest

@testable import GavelEngine

/// The shipped library's machine fixes: at least 30 rules carry one, across the files
/// engineers edit by hand today (nginx, PHP, sshd, WordPress, Magento), and PHP-SESS-004's
/// fix writes its parameter's value (tailoring follows; see MachineFixTests).
final class MachineFixLibraryTests: XCTestCase {
    func testThirtyRulesAcrossEveryKindOfFileCarryAFix() throws {
        let program = try XCTUnwrap(Compiler.compile(path: ISOEditionsTests.repo + "/Policies").program)
        let fixed = program.rules.filter { !$0.fix.isEmpty }
        XCTAssertGreaterThanOrEqual(fixed.count, 30, fixed.map(\.id).joined(separator: " "))
        let kinds = Set(fixed.flatMap { $0.fix.map(\.kind) })
        XCTAssertEqual(kinds, ["nginx", "php", "hosting", "wordpress", "magento"])
        let session = try XCTUnwrap(program.rules.first { $0.id == "PHP-SESS-004" })
        XCTAssertEqual(session.fix, [.ini(key: "session.gc_maxlifetime", value: "1800")])
    }
}
