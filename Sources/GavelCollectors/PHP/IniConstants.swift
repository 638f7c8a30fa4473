/// Constants PHP has registered by the time it parses php.ini (the Zend and main
/// constants; extension constants such as SORT_STRING come later and stay text).
public enum IniConstants {
    public static let atStartup: [String: String] = [
        "E_ERROR": "1", "E_WARNING": "2", "E_PARSE": "4", "E_NOTICE": "8", "E_CORE_ERROR": "16",
        "E_CORE_WARNING": "32", "E_COMPILE_ERROR": "64", "E_COMPILE_WARNING": "128", "E_USER_ERROR": "256",
        "E_USER_WARNING": "512", "E_USER_NOTICE": "1024", "E_STRICT": "2048", "E_RECOVERABLE_ERROR": "4096",
        "E_DEPRECATED": "8192", "E_USER_DEPRECATED": "16384", "E_ALL": "32767",
        "PHP_INT_MAX": "9223372036854775807", "PHP_INT_MIN": "-9223372036854775808", "PHP_INT_SIZE": "8",
        "PHP_OS": "Linux", "PHP_OS_FAMILY": "Linux", "PHP_EOL": "\n", "PHP_ZTS": "0", "PHP_DEBUG": "0",
        "PHP_MAXPATHLEN": "4096", "PHP_SHLIB_SUFFIX": "so", "PHP_FD_SETSIZE": "1024",
        "ZEND_THREAD_SAFE": "", "ZEND_DEBUG_BUILD": "",
    ]

    /// Defined at startup, but their values depend on the PHP build: a php.ini that uses
    /// them is recorded with the constant's name and listed under `unresolved_constants`.
    public static let buildDependent: Set<String> = [
        "PHP_VERSION", "PHP_MAJOR_VERSION", "PHP_MINOR_VERSION", "PHP_RELEASE_VERSION", "PHP_EXTRA_VERSION",
        "PHP_VERSION_ID", "DEFAULT_INCLUDE_PATH", "PEAR_INSTALL_DIR", "PEAR_EXTENSION_DIR", "PHP_EXTENSION_DIR",
        "PHP_PREFIX", "PHP_BINDIR", "PHP_MANDIR", "PHP_LIBDIR", "PHP_DATADIR", "PHP_SYSCONFDIR",
        "PHP_LOCALSTATEDIR", "PHP_CONFIG_FILE_PATH", "PHP_CONFIG_FILE_SCAN_DIR", "PHP_BINARY", "PHP_SAPI",
    ]
}
