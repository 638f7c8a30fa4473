import Foundation
import XCTest

@testable import GavelCollectors

/// The certificate reader against openssl, on a corpus of odd certificates the test makes
/// with openssl itself: escaped and BMPString names, IP subject alternative names, RSA-PSS
/// and brainpool keys, OpenSSL's TRUSTED CERTIFICATE blocks, and a certificate whose issuer
/// name equals its subject but which another key signed.
final class X509OracleTests: XCTestCase {
    static let openssl = "/usr/bin/openssl"
    var dir = ""

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.openssl) else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("openssl must be installed in CI") }
            throw XCTSkip("openssl is not installed")
        }
        dir = NSTemporaryDirectory() + "x509-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    @discardableResult
    func openssl(_ args: [String], _ file: StaticString = #filePath, _ line: UInt = #line) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.openssl)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: o + e, as: UTF8.self) + (p.terminationStatus == 0 ? "" : "\nexit \(p.terminationStatus)")
    }

    /// What openssl says of a certificate file: RFC 2253 names (UTF-8, not escaped to hex),
    /// subject alternative names, key algorithm and size, and whether it verifies with
    /// itself as its only trust anchor (a self-signature).
    struct Oracle { var subject: String; var issuer: String; var dns: [String]; var ips: [String]; var keyBits: Int?; var selfSigned: Bool; var sha256: String }

    func oracle(_ file: String) throws -> Oracle {
        let names = try openssl(["x509", "-in", file, "-noout", "-subject", "-issuer", "-nameopt", "RFC2253,-esc_msb"]).split(separator: "\n")
        let san = try openssl(["x509", "-in", file, "-noout", "-ext", "subjectAltName"])
        let entries = san.split(separator: "\n").dropFirst().joined().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let text = try openssl(["x509", "-in", file, "-noout", "-text"])
        let bits = text.range(of: #"Public-Key: \((\d+) bit\)"#, options: .regularExpression).map { Int(text[$0].filter(\.isNumber))! }
        let verify = try openssl(["verify", "-no-CApath", "-check_ss_sig", "-CAfile", file, file])
        let fp = try openssl(["x509", "-in", file, "-noout", "-fingerprint", "-sha256"])
        return Oracle(
            subject: String(names[0].dropFirst("subject=".count)), issuer: String(names[1].dropFirst("issuer=".count)),
            dns: entries.filter { $0.hasPrefix("DNS:") }.map { String($0.dropFirst(4)) },
            ips: entries.filter { $0.hasPrefix("IP Address:") }.map { Self.normalIP(String($0.dropFirst(11))) },
            keyBits: bits, selfSigned: verify.hasSuffix(": OK\n"),
            sha256: fp.split(separator: "=").last!.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
    }

    static func normalIP(_ s: String) -> String {
        var b = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, s, &b) == 1 { return X509Certificate.ipAddress(b)! }
        return s
    }

    /// `askVerify`: whether `openssl verify`'s answer stands for self-signedness (it does
    /// not for a TRUSTED CERTIFICATE, whose trust settings limit what it may verify).
    func check(_ file: String, keyType: String, selfSigned expected: Bool?, askVerify: Bool = true, _ line: UInt = #line) throws {
        let o = try oracle(file)
        let (certs, _) = try X509Certificate.load(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file))))
        let c = try XCTUnwrap(certs.first, line: line)
        XCTAssertEqual(c.subject, o.subject, "subject of \(file)", line: line)
        XCTAssertEqual(c.issuer, o.issuer, "issuer of \(file)", line: line)
        XCTAssertEqual(c.dnsNames, o.dns, file, line: line)
        XCTAssertEqual(c.ipAddresses, o.ips, file, line: line)
        XCTAssertEqual(c.keyType, keyType, file, line: line)
        XCTAssertEqual(c.keyBits, o.keyBits, "key size of \(file)", line: line)
        XCTAssertEqual(c.sha256, o.sha256, file, line: line)
        XCTAssertEqual(c.selfSigned, expected, file, line: line)
        if let s = c.selfSigned, askVerify { XCTAssertEqual(s, o.selfSigned, "openssl's verdict on \(file)", line: line) }
    }

    func testOddCertificatesReadAsOpenSSLReadsThem() throws {
        // Escaping: a comma, a quote, angle brackets and a semicolon in the names.
        try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k1", "-out", "escaped.pem", "-days", "2",
            "-subj", "/CN=a\\, b.example.com/O=Exa\"mple<>;/OU= padded ",
            "-addext", "subjectAltName=DNS:a.example.com,IP:192.0.2.1,IP:2001:db8::1",
        ])
        try check("escaped.pem", keyType: "RSA", selfSigned: true)
        let escaped = try X509Certificate.load(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/escaped.pem")))).certificates[0]
        XCTAssertTrue(escaped.subject.contains(#"CN=a\, b.example.com"#), "a comma cannot split the name: \(escaped.subject)")

        // BMPString names (openssl's default string mask) and a brainpool key.
        try "[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n".write(toFile: dir + "/bmp.cnf", atomically: true, encoding: .utf8)
        try openssl([
            "req", "-config", "bmp.cnf", "-utf8", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:brainpoolP256r1", "-nodes",
            "-keyout", "k2", "-out", "bmp.pem", "-days", "2", "-subj", "/CN=Zürich 名前/O=Ärzte",
        ])
        XCTAssertTrue(try openssl(["asn1parse", "-in", "bmp.pem"]).contains("BMPSTRING"), "the corpus has a BMPString")
        try check("bmp.pem", keyType: "EC", selfSigned: nil)  // swift-certificates does not check brainpool signatures

        // An RSA-PSS key.
        try openssl(["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:3072", "-out", "k3"])
        try openssl(["req", "-x509", "-key", "k3", "-out", "pss.pem", "-days", "2", "-subj", "/CN=pss.example.com"])
        try check("pss.pem", keyType: "RSA-PSS", selfSigned: nil)

        // OpenSSL's TRUSTED CERTIFICATE: the certificate, then trust settings.
        try openssl(["x509", "-in", "escaped.pem", "-addtrust", "serverAuth", "-out", "trusted.pem"])
        XCTAssertTrue(try String(contentsOfFile: dir + "/trusted.pem", encoding: .utf8).hasPrefix("-----BEGIN TRUSTED CERTIFICATE-----"))
        try check("trusted.pem", keyType: "RSA", selfSigned: true, askVerify: false)

        // Issuer name equal to the subject, but signed by another key: not self-signed.
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=same"])
        try openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj",
            "/CN=same",
        ])
        try openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "2"])
        try check("leaf.pem", keyType: "EC", selfSigned: false)
        try check("ca.pem", keyType: "RSA", selfSigned: true)
        let leaf = try X509Certificate.load(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/leaf.pem")))).certificates[0]
        XCTAssertTrue(leaf.selfIssued, "the names are equal")
    }
}
