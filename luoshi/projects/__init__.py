"""民生实事: the year's livelihood projects with their money, works and performance (issue 13)."""
