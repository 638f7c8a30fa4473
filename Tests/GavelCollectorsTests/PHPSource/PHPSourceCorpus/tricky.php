<?php
// Numbers, strings and arrays in the spellings PHP allows.
$ints = [42, -7, 0x1F, 0X1f, 017, 0o17, 0b101, 1_000_000, +3];
$floats = [1.5, .5, 1e3, 2.5E-3, -0.0, 1.0];
$strings = [
    'single \' quote and \\ backslash and \n not an escape',
    "double \"quote\" \t tab \\ and \$dollar \x41\101 \u{1F600}",
    <<<EOT
    indented heredoc
      keeps relative indent
    EOT,
    <<<'NOW'
raw $not_a_var \n
NOW,
    "concat " . 'of ' . 3 . " and " . 1.5 . ' and ' . false . null,
];
$keys = ["5" => 'string five becomes int', true => 'true becomes 1', 'a' => 1, 'a' => 2, 10 => 'ten', 'next'];
$cast = ["5" => 'five', 'six', "07" => 'stays a string key', '-3' => 'minus three', 'x'];
$nested = array('list' => array(1, 2, array(3, [4, 5])), 'empty' => [], 'map' => ['x' => null]);
/* a block comment ; with semicolons } and braces { */
# a hash comment
const TRICKY = 'yes';
$fromConst = TRICKY . '!';
function ignored_function($a) { return $a . ';'; }
$after = 'after a function';
