"""The same extension, installed one level deeper (run path $ORIGIN/../../exampleprov)."""
