<?php
return ['system' => ['default' => array('a' => 1,
