print("daily report")
