/// What nginx's modules declare about the directives Gavel models (their `NGX_CONF_*`
/// flags): how many arguments they take, whether they open a block, whether they are an
/// on/off flag. Directives not listed here (third-party modules, rarely used ones) are kept
/// in the tree without these checks, since Gavel cannot know every module's table.
enum NginxDirectiveTable {
    struct Shape: Sendable {
        var min: Int
        var max: Int  // Int.max for "1 or more"
        var block = false
        var flag = false
    }

    static func shape(_ name: String) -> Shape? { table[name] }

    private static let table: [String: Shape] = {
        var t: [String: Shape] = [:]
        func add(_ names: [String], _ s: Shape) { for n in names { t[n] = s } }
        let more = Int.max
        add(["http", "events", "stream", "mail", "types"], Shape(min: 0, max: 0, block: true))
        add(["server"], Shape(min: 0, max: 0, block: true))  // upstream's `server` is handled by context
        add(["location"], Shape(min: 1, max: 2, block: true))
        add(["upstream"], Shape(min: 1, max: 1, block: true))
        add(["map", "split_clients"], Shape(min: 2, max: 2, block: true))
        add(["geo"], Shape(min: 1, max: 2, block: true))
        add(["if", "limit_except"], Shape(min: 1, max: more, block: true))
        add(
            [
                "server_tokens", "root", "alias", "client_max_body_size", "ssl_certificate", "ssl_certificate_key",
                "ssl_ciphers", "ssl_dhparam", "ssl_session_timeout", "ssl_ecdh_curve", "ssl_trusted_certificate",
                "ssl_client_certificate", "ssl_verify_client", "ssl_verify_depth", "fastcgi_pass", "proxy_pass",
                "default_type", "include", "worker_processes", "pid", "charset", "fastcgi_index", "fastcgi_read_timeout",
                "proxy_read_timeout", "client_body_timeout", "client_header_timeout", "send_timeout", "allow", "deny",
                "auth_basic", "auth_basic_user_file", "worker_connections", "load_module", "types_hash_max_size",
                "client_body_buffer_size", "server_names_hash_bucket_size", "keepalive_requests", "ssl_buffer_size",
                "limit_rate",
            ],
            Shape(min: 1, max: 1))
        t["internal"] = Shape(min: 0, max: 0)
        add(
            [
                "autoindex", "ssl_prefer_server_ciphers", "ssl_session_tickets", "sendfile", "tcp_nopush", "tcp_nodelay",
                "gzip", "ssl", "ssl_stapling", "ssl_stapling_verify", "http2", "absolute_redirect", "port_in_redirect",
                "server_name_in_redirect", "log_not_found", "autoindex_localtime",
                "fastcgi_intercept_errors", "proxy_intercept_errors", "etag", "merge_slashes", "underscores_in_headers",
                "ignore_invalid_headers", "multi_accept", "ssl_early_data", "http2_push_preload", "chunked_transfer_encoding",
            ],
            Shape(min: 1, max: 1, flag: true))
        add(
            [
                "server_name", "listen", "ssl_protocols", "access_log", "error_log", "index", "gzip_types", "resolver",
                "ssl_session_cache",
            ], Shape(min: 1, max: more))
        add(["try_files", "log_format"], Shape(min: 2, max: more))
        add(["add_header", "fastcgi_param", "rewrite"], Shape(min: 2, max: 3))
        add(["proxy_set_header", "set", "large_client_header_buffers", "ssl_conf_command"], Shape(min: 2, max: 2))
        add(["return", "expires", "keepalive_timeout", "user"], Shape(min: 1, max: 2))
        add(["error_page"], Shape(min: 2, max: more))
        add(["limit_req"], Shape(min: 1, max: 3))
        return t
    }()
}
