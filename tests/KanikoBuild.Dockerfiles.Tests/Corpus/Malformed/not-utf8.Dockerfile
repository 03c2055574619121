FROM ÿþ
