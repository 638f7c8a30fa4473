import Foundation
import SwiftASN1
import X509

/// Certificate names as RFC 4514 strings (`CN=a\, b.example.com,O=Example`): the most
/// specific part first, attributes of one RDN joined by `+`, and every character that would
/// change the reading escaped, so that no subject can pass for another. Text in BMPString
/// (UTF-16) and UniversalString (UTF-32) is decoded; a value in any other form is written
/// as `#` and its DER in hex, as RFC 4514 says. This is what `openssl x509 -nameopt
/// RFC2253,-esc_msb` prints, which the tests hold it to.
enum DistinguishedNames {
    static let shortNames = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
        "2.5.4.9": "street", "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
        "2.5.4.5": "serialNumber", "1.2.840.113549.1.9.1": "emailAddress", "2.5.4.4": "SN", "2.5.4.42": "GN",
        "2.5.4.12": "title", "2.5.4.46": "dnQualifier", "2.5.4.65": "pseudonym", "2.5.4.17": "postalCode",
        "2.5.4.97": "organizationIdentifier", "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC", "2.5.4.15": "businessCategory",
    ]

    /// One attribute: its type (OID), and its value's DER tag and content.
    struct Attribute { var oid: String; var tag: UInt8; var content: [UInt8]; var der: [UInt8] }

    /// From swift-certificates' parsed name.
    static func rfc4514(_ name: DistinguishedName) -> String {
        name.reversed().map { rdn in
            rdn.map { a -> String in
                let oid = a.type.description
                var s = DER.Serializer()
                guard (try? s.serialize(ASN1Any(a.value))) != nil else { return format(Attribute(oid: oid, tag: 0, content: [], der: [])) }
                let der = s.serializedBytes
                var r = DERReader(der[...])
                guard let (tag, content) = try? r.tagged() else { return format(Attribute(oid: oid, tag: 0, content: [], der: der)) }
                return format(Attribute(oid: oid, tag: tag, content: Array(content), der: der))
            }.joined(separator: "+")
        }.joined(separator: ",")
    }

    /// From a Name's DER content (the walker's fallback).
    static func rfc4514(_ content: ArraySlice<UInt8>) throws -> String {
        var seq = DERReader(content)
        var rdns: [[Attribute]] = []
        while !seq.atEnd {
            var set = try seq.enter(0x31, "RelativeDistinguishedName")
            var attrs: [Attribute] = []
            while !set.atEnd {
                var atv = try set.enter(0x30, "AttributeTypeAndValue")
                let id = try X509Certificate.oid(atv.element(0x06, "type"))
                let der = try atv.elementBytes()
                var r = DERReader(der)
                let (tag, value) = try r.tagged()
                attrs.append(Attribute(oid: id, tag: tag, content: Array(value), der: Array(der)))
            }
            rdns.append(attrs)
        }
        return rdns.reversed().map { $0.map(format).joined(separator: "+") }.joined(separator: ",")
    }

    static func format(_ a: Attribute) -> String {
        let key = shortNames[a.oid] ?? a.oid
        guard shortNames[a.oid] != nil, let text = decode(a.tag, a.content) else {
            return key + "=#" + a.der.map { String(format: "%02X", $0) }.joined()
        }
        return key + "=" + escape(text)
    }

    /// The text of a directory string, or nil for a value that is not one.
    static func decode(_ tag: UInt8, _ c: [UInt8]) -> String? {
        switch tag {
        case 0x0C, 0x13, 0x16, 0x1A, 0x12:  // UTF8, Printable, IA5, Visible, Numeric
            return String(validating: c, as: UTF8.self) ?? String(decoding: c, as: UTF8.self)
        case 0x14:  // TeletexString: read as Latin-1, as OpenSSL does
            return String(c.map { Character(Unicode.Scalar($0)) })
        case 0x1E:  // BMPString: UTF-16 big-endian
            guard c.count % 2 == 0 else { return nil }
            let units = stride(from: 0, to: c.count, by: 2).map { UInt16(c[$0]) << 8 | UInt16(c[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        case 0x1C:  // UniversalString: UTF-32 big-endian
            guard c.count % 4 == 0 else { return nil }
            var s = ""
            for i in stride(from: 0, to: c.count, by: 4) {
                let v = UInt32(c[i]) << 24 | UInt32(c[i + 1]) << 16 | UInt32(c[i + 2]) << 8 | UInt32(c[i + 3])
                s.unicodeScalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            }
            return s
        default: return nil
        }
    }

    /// RFC 4514 section 2.4: `,` `+` `"` `\` `<` `>` `;` escaped with a backslash, so are a
    /// leading `#` or space and a trailing space; control characters as `\XX`.
    static func escape(_ s: String) -> String {
        var out = ""
        let scalars = Array(s.unicodeScalars)
        for (i, u) in scalars.enumerated() {
            if u.value < 0x20 || u.value == 0x7F {
                out += String(format: "\\%02X", u.value)
                continue
            }
            let c = Character(u)
            let special = ",+\"\\<>;".contains(c) || (i == 0 && (c == "#" || c == " ")) || (i == scalars.count - 1 && c == " ")
            if special { out.append("\\") }
            out.unicodeScalars.append(u)
        }
        return out
    }
}
