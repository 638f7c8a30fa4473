import XCTest

@testable import GavelFix

/// sshd_config edits: the first value wins, so a keyword nothing sets goes first.
final class SSHDEditTests: XCTestCase {
    func testReplacesTheLineOrAddsItFirst() {
        let text = "# Debian's\n\nInclude /etc/ssh/sshd_config.d/*.conf\n  PermitRootLogin yes\nMatch User x\n  X11Forwarding yes\n"
        XCTAssertTrue(SSHDEdit.lineSets(text, key: "permitrootlogin", line: 4))
        XCTAssertFalse(SSHDEdit.lineSets(text, key: "PermitRootLogin", line: 3))
        XCTAssertEqual(
            SSHDEdit.set(text, key: "PermitRootLogin", value: "no", line: 4),
            "# Debian's\n\nInclude /etc/ssh/sshd_config.d/*.conf\n  PermitRootLogin no\nMatch User x\n  X11Forwarding yes\n")
        XCTAssertEqual(
            SSHDEdit.set(text, key: "MaxAuthTries", value: "4", line: nil),
            "# Debian's\n\nMaxAuthTries 4\nInclude /etc/ssh/sshd_config.d/*.conf\n  PermitRootLogin yes\nMatch User x\n  X11Forwarding yes\n",
            "before the Include and any Match, where sshd reads it first")
    }
}
