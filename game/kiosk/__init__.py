"""The resort kiosk: walk-up motion games that run a whole season unattended (``liike kiosk``).

The cycle: attract (the games shown by a demo figure, "raise both arms to play" in the hall's
languages), walk-up (arms up for a second), choose (lean to pick, jump to start), a round of
play, the score with a nickname picked by leaning, the leaderboard, and back to attract; and
back to attract from anywhere when nobody has been in view for a while. Staff reach an admin
screen by a key chord and a PIN; players cannot leave the game.
"""
