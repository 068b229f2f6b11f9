#!/usr/bin/env python3
# coding=utf-8
"""
项目: 基于UDP的英汉词典
服务端: 负责加载词典并响应客户端的查询请求
"""
import logging
import os
import re
import time
from socket import socket, AF_INET, SOCK_DGRAM, SOL_SOCKET, SO_REUSEADDR

# ---------------- 配置 ----------------
SERVER_IP = '0.0.0.0'
SERVER_PORT = 8888
DICT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'dict.txt')
LOG_FILE = 'server.log'

logging.basicConfig(
    level=logging.INFO,
    format='%(asctime)s [%(levelname)s] %(message)s',
    handlers=[logging.FileHandler(LOG_FILE, encoding='utf-8'),
              logging.StreamHandler()]
)
logger = logging.getLogger('dict_server')


def read_dictionary(path):
    """逐行读取词典，返回 {单词: 释义}"""
    result = {}
    count_bad = 0
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            items = re.split(r'\s+', line, 1)
            if len(items) < 2:
                count_bad += 1
                logger.warning('第%d行格式错误: %s', lineno, line)
                continue
            result[items[0]] = items[1]
    logger.info('词典加载完毕: %d 条, 错误 %d 行', len(result), count_bad)
    return result


def make_reply(dictionary, word):
    word = word.strip()
    if word == '':
        return '请输入单词'
    if word in dictionary:
        return word + ' : ' + dictionary[word]
    # 尝试小写再查一次
    if word.lower() in dictionary:
        return word.lower() + ' : ' + dictionary[word.lower()]
    return '没有找到该单词: ' + word


def run_server():
    dictionary = read_dictionary(DICT_PATH)
    udp = socket(AF_INET, SOCK_DGRAM)
    udp.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    udp.bind((SERVER_IP, SERVER_PORT))
    logger.info('服务器启动 %s:%d', SERVER_IP, SERVER_PORT)
    total = 0
    start = time.time()
    try:
        while True:
            msg, client = udp.recvfrom(2048)
            try:
                word = msg.decode('utf-8')
            except UnicodeDecodeError:
                logger.error('来自 %s 的数据无法解码', client)
                udp.sendto('编码错误'.encode('utf-8'), client)
                continue
            reply = make_reply(dictionary, word)
            total += 1
            logger.info('%s 查询 "%s"', client, word)
            udp.sendto(reply.encode('utf-8'), client)
    except KeyboardInterrupt:
        logger.info('服务器关闭, 运行 %.1f 秒, 共处理 %d 次查询',
                    time.time() - start, total)
    finally:
        udp.close()


if __name__ == '__main__':
    run_server()
