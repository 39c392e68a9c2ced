"""Text side of INTERN's Up-A (DeCLIP): CLIP's tokenizer and text tower."""
from .text_transformer import TextTransformer
from .tokenizer import ClipTokenizer

__all__ = ['ClipTokenizer', 'TextTransformer']
