"""Key names and shapes of a released MetaNet checkpoint (gv-benchmark).

Written from the released model's structure, independently of mmintern's
modules, so the converter test compares two separate descriptions:
- stem.0 conv 3x3 (no bias), stem.1 BN; head.0 conv 1x1 to 1280, head.1 BN;
- MBConv: residual.1 (1x1 conv, when the shape changes); b1 = BN, 1x1 conv
  (no bias), BN (when expansion != 1 or stride != 1); b2 = dw 3x3 (no bias),
  BN, GELU, SE(fc1, fc2), 1x1 conv, BN;
- FusedMBConv: residual.1; b1 = BN, 3x3 conv, BN (when expansion != 1);
  b2 = SE(fc1, fc2), conv (1x1 after b1, else 3x3), BN;
- attention blocks: pos_embed (dw 3x3), norm1, attn.qkv, attn.proj
  (+ attn.temperature for XCA), gamma_1; when the shape changes
  residual.1, else norm2, mlp.fc1, mlp.fc2, gamma_2.
"""


def _make_divisible(value, divisor=8):
    new = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * value else new


def _bn(prefix, c):
    return {f'{prefix}.weight': (c, ), f'{prefix}.bias': (c, ),
            f'{prefix}.running_mean': (c, ), f'{prefix}.running_var': (c, ),
            f'{prefix}.num_batches_tracked': ()}


def _conv(prefix, cout, cin, k, bias=True, groups=1):
    keys = {f'{prefix}.weight': (cout, cin // groups, k, k)}
    if bias:
        keys[f'{prefix}.bias'] = (cout, )
    return keys


def _se(prefix, c):
    s = _make_divisible(c // 4)
    return {**_conv(f'{prefix}.fc1', s, c, 1), **_conv(f'{prefix}.fc2', c, s, 1)}


def _linear(prefix, cout, cin):
    return {f'{prefix}.weight': (cout, cin), f'{prefix}.bias': (cout, )}


def _mbconv(p, cin, cout, stride, exp):
    hidden = int(cin * exp)
    keys = {}
    if cin != cout or stride != 1:
        keys.update(_conv(f'{p}.residual.1', cout, cin, 1))
    if hidden != cin or stride != 1:
        keys.update({**_bn(f'{p}.b1.0', cin),
                     **_conv(f'{p}.b1.1', hidden, cin, 1, bias=False),
                     **_bn(f'{p}.b1.2', hidden)})
    keys.update({**_conv(f'{p}.b2.0', hidden, hidden, 3, False, hidden),
                 **_bn(f'{p}.b2.1', hidden), **_se(f'{p}.b2.3', hidden),
                 **_conv(f'{p}.b2.4', cout, hidden, 1),
                 **_bn(f'{p}.b2.5', cout)})
    return keys


def _fused(p, cin, cout, stride, exp):
    hidden = int(cin * exp)
    keys = {}
    if cin != cout or stride != 1:
        keys.update(_conv(f'{p}.residual.1', cout, cin, 1))
    k = 3
    if hidden != cin:
        keys.update({**_bn(f'{p}.b1.0', cin),
                     **_conv(f'{p}.b1.1', hidden, cin, 3, bias=False),
                     **_bn(f'{p}.b1.2', hidden)})
        k = 1
    keys.update({**_se(f'{p}.b2.0', hidden),
                 **_conv(f'{p}.b2.1', cout, hidden, k),
                 **_bn(f'{p}.b2.2', cout)})
    return keys


def _attention(p, cin, cout, stride, exp, head_dim, xca):
    keys = {**_conv(f'{p}.pos_embed', cin, cin, 3, True, cin),
            f'{p}.norm1.weight': (cin, ), f'{p}.norm1.bias': (cin, ),
            **_linear(f'{p}.attn.qkv', 3 * cin, cin),
            **_linear(f'{p}.attn.proj', cout, cin),
            f'{p}.gamma_1': (cout, )}
    if xca:
        keys[f'{p}.attn.temperature'] = (cin // head_dim, 1, 1)
    if cin != cout or stride != 1:
        keys.update(_conv(f'{p}.residual.1', cout, cin, 1))
    else:
        keys.update({f'{p}.norm2.weight': (cin, ), f'{p}.norm2.bias': (cin, ),
                     **_linear(f'{p}.mlp.fc1', int(cin * exp), cin),
                     **_linear(f'{p}.mlp.fc2', cin, int(cin * exp)),
                     f'{p}.gamma_2': (cout, )})
    return keys


def released_layout(stem, blocks, depths, widths, expansions, head_dim,
                    strides=(1, 2, 2, 2, 1, 2)):
    """``{key: shape}`` of a released MetaNet backbone."""
    keys = {**_conv('stem.0', stem, 3, 3, bias=False), **_bn('stem.1', stem)}
    cin, n = stem, 0
    for block, depth, cout, exp, stride in zip(blocks, depths, widths,
                                               expansions, strides):
        for i in range(depth):
            s = stride if i == 0 else 1
            p = f'blocks.{n}'
            if block == 'mbconv':
                keys.update(_mbconv(p, cin, cout, s, exp))
            elif block == 'fused_mbconv':
                keys.update(_fused(p, cin, cout, s, exp))
            else:
                keys.update(_attention(p, cin, cout, s, exp, head_dim,
                                       block == 'xca'))
            cin, n = cout, n + 1
    keys.update({**_conv('head.0', 1280, cin, 1, bias=False),
                 **_bn('head.1', 1280)})
    return keys


RELEASED = dict(
    b4=released_layout(32, ['mbconv'] * 4 + ['mhsa'] * 2,
                       [2, 3, 6, 6, 6, 12], [32, 64, 128, 192, 192, 384],
                       [1, 4, 6, 3, 2, 5], 48),
    b15=released_layout(96, ['fused_mbconv'] * 2 + ['mbconv'] * 2 +
                        ['xca'] * 2, [4, 6, 12, 12, 12, 24],
                        [128, 256, 512, 768, 768, 1536], [1, 4, 6, 3, 2, 5],
                        64),
)
