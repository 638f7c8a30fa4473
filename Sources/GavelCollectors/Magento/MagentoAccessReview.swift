import Foundation
import GavelCore

/// What a logical access review of a Magento admin needs, from the ACL tables of Magento 2.4
/// (`admin_user`, `authorization_role`, `authorization_rule`, `integration`): each admin
/// account with its days since the last login and its role, each role with whether it grants
/// every resource (`Magento_Backend::all`), and each API integration likewise. No e-mail,
/// name, password hash or token.
struct MagentoAccessReview {
    var client: MySQLClient
    var prefix: String

    static let allResources = "Magento_Backend::all"

    /// `mariadb -B` writes SQL NULL as the word NULL.
    static func int(_ s: String) -> Value { s == "NULL" ? .null : Int(s).map { .integer($0) } ?? .null }

    func collect() throws -> Value {
        let p = prefix
        let grantsAll = { (role: String) in
            "EXISTS (SELECT 1 FROM \(p)authorization_rule r WHERE r.role_id = \(role) AND r.resource_id = '\(Self.allResources)' AND r.permission = 'allow')"
        }
        // user_type 2 is an admin user, 1 an integration (Magento's UserContextInterface).
        let accounts = try client.query(
            """
            SELECT u.username, u.is_active, IF(u.logdate IS NULL, NULL, DATEDIFF(NOW(), u.logdate)), g.role_name, IF(g.role_id IS NULL, 0, \(grantsAll("g.role_id"))) \
            FROM \(p)admin_user u \
            LEFT JOIN \(p)authorization_role ur ON ur.user_id = u.user_id AND ur.role_type = 'U' AND ur.user_type = '2' \
            LEFT JOIN \(p)authorization_role g ON g.role_id = ur.parent_id AND g.role_type = 'G' ORDER BY u.username
            """)
        let roles = try client.query(
            """
            SELECT g.role_name, \(grantsAll("g.role_id")), \
            (SELECT COUNT(*) FROM \(p)authorization_role ur WHERE ur.parent_id = g.role_id AND ur.role_type = 'U' AND ur.user_type = '2') \
            FROM \(p)authorization_role g WHERE g.role_type = 'G' ORDER BY g.role_name
            """)
        let integrations = try client.query(
            """
            SELECT i.name, i.status, \
            EXISTS (SELECT 1 FROM \(p)authorization_role ar JOIN \(p)authorization_rule r ON r.role_id = ar.role_id \
            WHERE ar.user_id = i.integration_id AND ar.user_type = '1' AND r.resource_id = '\(Self.allResources)' AND r.permission = 'allow') \
            FROM \(p)integration i ORDER BY i.name
            """)
        return .object([
            (
                "admin_accounts",
                .array(
                    accounts.filter { $0.count == 5 }.map { r in
                        .object([
                            ("username", .string(r[0])), ("active", .bool(r[1] == "1")), ("days_since_login", Self.int(r[2])),
                            ("role", r[3] == "NULL" ? .null : .string(r[3])), ("all_resources", .bool(r[4] == "1")),
                        ])
                    })
            ),
            (
                "roles",
                .array(
                    roles.filter { $0.count == 3 }.map { r in
                        .object([("name", .string(r[0])), ("all_resources", .bool(r[1] == "1")), ("users", Self.int(r[2]))])
                    })
            ),
            (
                "integrations",
                .array(
                    integrations.filter { $0.count == 3 }.map { r in
                        // status 1 is active; 0 inactive, 2 recalled.
                        .object([("name", .string(r[0])), ("active", .bool(r[1] == "1")), ("all_resources", .bool(r[2] == "1"))])
                    })
            ),
        ])
    }
}
