<?php
return array (
  'modules' =>
  array (
    'Magento_Store' => 1,
    'Magento_Directory' => 1,
    'Magento_TwoFactorAuth' => 0,
    'Magento_Backend' => 1,
  ),
  'scopes' => array('websites' => array('admin' => array('website_id' => '0', 'code' => 'admin'))),
);
