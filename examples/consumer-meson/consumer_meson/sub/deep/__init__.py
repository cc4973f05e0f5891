"""Two levels deeper (run path $ORIGIN/../../../exampleprov)."""
