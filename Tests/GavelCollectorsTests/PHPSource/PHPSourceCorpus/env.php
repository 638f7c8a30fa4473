<?php
return [
    'backend' => [
        'frontName' => 'clinic_admin_7x'
    ],
    'remote_storage' => ['driver' => 'file'],
    'queue' => ['consumers_wait_for_messages' => 1],
    'crypt' => [
        'key' => 'test-only-not-a-secret-0123456789abcdef'
    ],
    'db' => [
        'table_prefix' => '',
        'connection' => [
            'default' => [
                'host' => 'localhost',
                'dbname' => 'magento',
                'username' => 'magento',
                'password' => 'test-only-not-a-secret',
                'model' => 'mysql4',
                'engine' => 'innodb',
                'initStatements' => 'SET NAMES utf8;',
                'active' => '1',
                'driver_options' => [
                    1014 => false
                ]
            ]
        ]
    ],
    'resource' => ['default_setup' => ['connection' => 'default']],
    'x-frame-options' => 'SAMEORIGIN',
    'MAGE_MODE' => 'production',
    'session' => ['save' => 'files'],
    'cache_types' => ['config' => 1, 'layout' => 1, 'full_page' => 1],
    'install' => ['date' => 'Tue, 03 Sep 2024 10:00:00 +0000'],
    'system' => [
        'default' => [
            'web' => ['secure' => ['use_in_adminhtml' => 1, 'use_in_frontend' => '1']],
            'admin' => ['security' => ['session_lifetime' => 900]],
        ],
    ],
];
