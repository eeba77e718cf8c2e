"""Pages anyone may read without logging in: the offices, their opening hours and next
Sprechstunde, the coming workshops with free seats, the topics and how to book, and a
printable poster per office. No personal data; every page is cached briefly."""
