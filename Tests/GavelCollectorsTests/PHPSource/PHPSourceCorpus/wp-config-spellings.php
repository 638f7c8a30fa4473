<?php
/**
 * A wp-config.php written by several hands over the years.
 */

// ** Database settings ** //
define( 'DB_NAME', 'clinic_wp' );
define('DB_USER', "wp_user");
define ('DB_PASSWORD', getenv('WP_DB_PASSWORD'));   # read from the environment at run time
define( "DB_HOST", 'localhost:3306' );
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');

/* Keys: two set, the rest still WordPress's placeholder. */
define('AUTH_KEY',         'test-only-not-a-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
define('SECURE_AUTH_KEY',  'test-only-not-a-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
define('LOGGED_IN_KEY',    'put your unique phrase here');
define('NONCE_KEY',        'put your unique phrase here');

$table_prefix = 'wpc_';

defined('WP_DEBUG') || define('WP_DEBUG', false);
defined( 'WP_DEBUG_LOG' ) or define( 'WP_DEBUG_LOG', '/var/log/wp/debug.log' );
define( 'WP_DEBUG_DISPLAY', FALSE );
define('DISALLOW_FILE_EDIT', True);
define('FORCE_SSL_ADMIN', true);
define('WP_AUTO_UPDATE_CORE', 'minor');
define('WP_MEMORY_LIMIT', '256M');
define('WP_POST_REVISIONS', 5);
define('EMPTY_TRASH_DAYS', 0x1E);
define('AUTOSAVE_INTERVAL', 1_60);
define('WP_SITEURL', 'https://' . 'clinic.example.com');
define('WP_HOME', WP_SITEURL);
define('WP_CONTENT_URL', WP_HOME . '/wp-content');
define('WP_CACHE_KEY_SALT', "clinic:" . 3 . ':' . true);
const GAVEL_CONST = 'const-' . 'value', GAVEL_SECOND = 2.5;

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
