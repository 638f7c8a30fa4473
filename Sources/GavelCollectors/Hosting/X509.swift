import Foundation
import GavelCore

/// Reads the facts a policy needs from an X.509 certificate (DER, or PEM blocks): subject,
/// issuer, validity, key type and size, signature algorithm, names. A small DER walker; it
/// never touches private keys (a PEM file that holds one is only flagged).
struct X509Certificate {
    var subject: String
    var issuer: String
    var notBefore: Date
    var notAfter: Date
    var keyType: String
    var keyBits: Int?
    var curve: String?
    var signatureAlgorithm: String
    var serial: String
    var dnsNames: [String]
    var sha256: String

    struct Malformed: Error { var what: String }

    /// Every `CERTIFICATE` block of a PEM file (or the file itself when it is DER), and whether
    /// the file also holds a private key.
    static func load(_ bytes: [UInt8]) throws -> (certificates: [X509Certificate], holdsPrivateKey: Bool) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("-----BEGIN ") else { return ([try parse(bytes)], false) }
        var certs: [X509Certificate] = []
        var rest = Substring(text)
        while let begin = rest.range(of: "-----BEGIN CERTIFICATE-----") {
            guard let end = rest.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<rest.endIndex) else {
                throw Malformed(what: "a CERTIFICATE block has no END line")
            }
            guard let der = Data(base64Encoded: String(rest[begin.upperBound..<end.lowerBound]), options: .ignoreUnknownCharacters) else {
                throw Malformed(what: "a CERTIFICATE block is not base64")
            }
            certs.append(try parse([UInt8](der)))
            rest = rest[end.upperBound...]
        }
        return (certs, text.contains("PRIVATE KEY-----"))
    }

    static func parse(_ der: [UInt8]) throws -> X509Certificate {
        var top = DER(der[...])
        var cert = try top.enter(0x30, "Certificate")
        var tbs = try cert.enter(0x30, "TBSCertificate")
        if tbs.peek == 0xA0 { _ = try tbs.element() }
        let serial = try tbs.element(0x02, "serialNumber")
        _ = try tbs.element(0x30, "signature")
        let issuer = try name(tbs.element(0x30, "issuer"))
        var validity = try tbs.enter(0x30, "validity")
        let notBefore = try time(validity.element())
        let notAfter = try time(validity.element())
        let subject = try name(tbs.element(0x30, "subject"))
        var spki = try tbs.enter(0x30, "subjectPublicKeyInfo")
        var alg = try spki.enter(0x30, "algorithm")
        let keyOID = try oid(alg.element(0x06, "algorithm"))
        let params = alg.atEnd ? nil : try alg.element()
        let keyBitsString = try spki.element(0x03, "subjectPublicKey")
        var dnsNames: [String] = []
        while !tbs.atEnd {
            let (tag, content) = try tbs.tagged()
            guard tag == 0xA3 else { continue }
            var wrapper = DER(content)
            var exts = try wrapper.enter(0x30, "extensions")
            while !exts.atEnd {
                var ext = try exts.enter(0x30, "extension")
                let id = try oid(ext.element(0x06, "extnID"))
                if ext.peek == 0x01 { _ = try ext.element() }
                let value = try ext.element(0x04, "extnValue")
                if id == "2.5.29.17" {
                    var v = DER(value)
                    var names = try v.enter(0x30, "subjectAltName")
                    while !names.atEnd {
                        let (t, c) = try names.tagged()
                        if t == 0x82 { dnsNames.append(String(decoding: c, as: UTF8.self)) }
                    }
                }
            }
        }
        var sigAlg = try cert.enter(0x30, "signatureAlgorithm")
        let sigOID = try oid(sigAlg.element(0x06, "algorithm"))

        var keyType = keyNames[keyOID] ?? keyOID
        var bits: Int?
        var curve: String?
        switch keyOID {
        case "1.2.840.113549.1.1.1":
            var key = DER(keyBitsString.dropFirst())   // skip the unused-bits byte
            var seq = try key.enter(0x30, "RSAPublicKey")
            let modulus = try seq.element(0x02, "modulus").drop { $0 == 0 }
            bits = modulus.isEmpty ? 0 : (modulus.count - 1) * 8 + (8 - modulus.first!.leadingZeroBitCount)
        case "1.2.840.10045.2.1":
            if let params, let c = try? oid(params) {
                curve = curves[c]?.0 ?? c
                bits = curves[c]?.1
            }
        case "1.3.101.112": bits = 256
        case "1.3.101.113": bits = 456
        default: keyType = keyOID
        }
        return X509Certificate(subject: subject, issuer: issuer, notBefore: notBefore, notAfter: notAfter, keyType: keyType,
                               keyBits: bits, curve: curve, signatureAlgorithm: signatureNames[sigOID] ?? sigOID,
                               serial: serial.map { String(format: "%02X", $0) }.joined(), dnsNames: dnsNames,
                               sha256: SHA256.hex(der))
    }

    private static let keyNames = ["1.2.840.113549.1.1.1": "RSA", "1.2.840.10045.2.1": "EC", "1.3.101.112": "Ed25519", "1.3.101.113": "Ed448"]
    private static let curves: [String: (String, Int)] = [
        "1.2.840.10045.3.1.7": ("prime256v1", 256), "1.3.132.0.34": ("secp384r1", 384), "1.3.132.0.35": ("secp521r1", 521),
    ]
    private static let signatureNames = [
        "1.2.840.113549.1.1.4": "md5WithRSAEncryption", "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10": "rsassaPss", "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12": "sha384WithRSAEncryption", "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
        "1.2.840.10045.4.1": "ecdsa-with-SHA1", "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3": "ecdsa-with-SHA384", "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
        "1.3.101.112": "ED25519", "1.3.101.113": "ED448",
    ]
    private static let attributeNames = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
        "2.5.4.5": "serialNumber", "1.2.840.113549.1.9.1": "emailAddress",
    ]

    /// `CN=..., O=...` in the order the certificate lists them.
    static func name(_ content: ArraySlice<UInt8>) throws -> String {
        var seq = DER(content)
        var parts: [String] = []
        while !seq.atEnd {
            var set = try seq.enter(0x31, "RelativeDistinguishedName")
            while !set.atEnd {
                var atv = try set.enter(0x30, "AttributeTypeAndValue")
                let id = try oid(atv.element(0x06, "type"))
                let (_, value) = try atv.tagged()
                parts.append("\(attributeNames[id] ?? id)=\(String(decoding: value, as: UTF8.self))")
            }
        }
        return parts.joined(separator: ", ")
    }

    static func oid(_ c: ArraySlice<UInt8>) throws -> String {
        guard let first = c.first else { throw Malformed(what: "empty OID") }
        var parts = [Int(first) / 40, Int(first) % 40]
        var v = 0
        for b in c.dropFirst() {
            v = v << 7 | Int(b & 0x7F)
            if b & 0x80 == 0 { parts.append(v); v = 0 }
        }
        return parts.map(String.init).joined(separator: ".")
    }

    static func time(_ c: ArraySlice<UInt8>) throws -> Date {
        let s = String(decoding: c, as: UTF8.self)
        var full = s
        if s.count == 13 {   // UTCTime YYMMDDHHMMSSZ: 50-99 are 19xx
            full = ((Int(s.prefix(2)) ?? 0) >= 50 ? "19" : "20") + s
        }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMddHHmmss'Z'"
        guard let d = f.date(from: full) else { throw Malformed(what: "bad time \(s)") }
        return d
    }
}

/// A cursor over DER: tag, definite length, content.
struct DER {
    private var bytes: ArraySlice<UInt8>
    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { bytes.isEmpty }
    var peek: UInt8? { bytes.first }

    mutating func tagged() throws -> (UInt8, ArraySlice<UInt8>) {
        guard bytes.count >= 2 else { throw X509Certificate.Malformed(what: "truncated DER") }
        let tag = bytes[bytes.startIndex]
        var i = bytes.startIndex + 1
        var length = Int(bytes[i])
        i += 1
        if length & 0x80 != 0 {
            let n = length & 0x7F
            guard n >= 1 && n <= 4 && i + n <= bytes.endIndex else { throw X509Certificate.Malformed(what: "bad DER length") }
            length = 0
            for _ in 0..<n { length = length << 8 | Int(bytes[i]); i += 1 }
        }
        guard length <= bytes.endIndex - i else { throw X509Certificate.Malformed(what: "DER length past the end") }
        let content = bytes[i..<(i + length)]
        bytes = bytes[(i + length)...]
        return (tag, content)
    }

    mutating func element(_ tag: UInt8? = nil, _ what: String = "element") throws -> ArraySlice<UInt8> {
        let (t, c) = try tagged()
        if let tag, t != tag { throw X509Certificate.Malformed(what: "expected \(what)") }
        return c
    }

    mutating func enter(_ tag: UInt8, _ what: String) throws -> DER { DER(try element(tag, what)) }
}
